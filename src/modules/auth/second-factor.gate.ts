import type { AppError } from "../../core/errors.js";
import type { RequestScope } from "../../core/scope.js";
import type { User } from "../users/user.entity.js";

/** How a sign-in proved its first factor. */
export type FirstFactor = "password" | "sign_in_link";

/**
 * What stands between a proved first factor and a session: the mfa module's answer, injected
 * (src/services.ts) so that auth and account need not import it. Called inside the sign-in's
 * transaction before anything of the account is written; a non-null answer (MFA_REQUIRED with a
 * challenge written in `tx`, or MFA_ENROLMENT_REQUIRED) is thrown after the commit instead of
 * opening a session.
 */
export interface SecondFactorGate {
  /** `totpCode`: a code sent with the password (LoginInput.totpCode), checked here instead of asking for it. */
  intercept(tx: RequestScope, user: User, method: FirstFactor, totpCode?: string | null): Promise<AppError | null>;
}

/** No second factor anywhere (unit setups): every first factor signs in. */
export const noSecondFactor: SecondFactorGate = { intercept: async () => null };
