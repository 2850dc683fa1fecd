import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAdmin, isAuthenticated } from "../../graphql/rules.js";

/**
 * The second sign-in step and passkey sign-in are open like the other sign-in flows and spend
 * the per-IP sign-in budget. Enrolment is the caller's own account (sessions only) or, with an
 * enrolment token, someone not yet signed in: checked in the service. A narrow API token can
 * never add or remove a second factor. Policies and resets are user administration.
 */
const signIn = rootField({ rule: allow, scope: "any", budget: "signIn" });
const enrolment = rootField({ rule: allow, scope: "session", budget: "signIn" });
const ownAccount = rootField({ rule: isAuthenticated, scope: "session" });
const administration = rootField({ rule: isAdmin, scope: ApiScope.ADMIN });

export const mfaRules: ModuleRules = {
  Query: { mySecondFactor: ownAccount, passkeys: ownAccount, secondFactorPolicies: administration },
  Mutation: {
    completeSignIn: signIn,
    startPasskeySignIn: signIn,
    startTotpEnrolment: enrolment,
    confirmTotpEnrolment: enrolment,
    disableTotp: ownAccount,
    regenerateRecoveryCodes: ownAccount,
    startPasskeyRegistration: enrolment,
    finishPasskeyEnrolment: enrolment,
    finishPasskeyRegistration: ownAccount,
    renamePasskey: ownAccount,
    removePasskey: ownAccount,
    setSecondFactorPolicy: administration,
    resetSecondFactor: administration,
  },
  SecondFactorStatus: { "*": allow },
  TotpEnrolment: { "*": allow },
  TotpConfirmation: { "*": allow },
  PasskeyChallenge: { "*": allow },
  SecondFactorPolicy: { "*": allow },
  Passkey: { "*": allow }, // reachable only through the owner's own fields above
};
