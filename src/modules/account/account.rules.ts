import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow } from "../../graphql/rules.js";

/**
 * The emailed-link flows are for people who cannot sign in (yet): open to anyone, protected by
 * single-use secrets and per-address and per-IP limits, and spending the per-IP sign-in budget.
 * They do not act as the caller, whatever credential comes along, so any API token may call them.
 * resendVerification checks in the service whether it has a signed-in caller or an address; as
 * the caller's own account, it is for sessions only.
 */
const accountFlow = rootField({ rule: allow, scope: "any", budget: "signIn" });

export const accountRules: ModuleRules = {
  Mutation: {
    verifyEmail: accountFlow,
    resendVerification: rootField({ rule: allow, scope: "session", budget: "signIn" }),
    requestPasswordReset: accountFlow,
    resetPassword: accountFlow,
    requestSignInLink: accountFlow,
    signInWithLink: accountFlow,
  },
};
