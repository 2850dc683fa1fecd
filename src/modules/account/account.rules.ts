import { allow } from "../../graphql/rules.js";

/**
 * The emailed-link flows are for people who cannot sign in (yet): open to anyone, protected by
 * single-use secrets and per-address and per-IP limits. resendVerification checks in the
 * service whether it has a signed-in caller or an address.
 */
export const accountRules = {
  Mutation: {
    verifyEmail: allow,
    resendVerification: allow,
    requestPasswordReset: allow,
    resetPassword: allow,
    requestSignInLink: allow,
    signInWithLink: allow,
  },
};
