/**
 * Why a single sign-on ended on the sign-in page (`?sso_error=` from the server's callback,
 * src/server/oidc.routes.ts), in words a person can act on.
 */
const MESSAGES: Record<string, string> = {
  SSO_UNKNOWN_PROVIDER: "That sign-in option is not available on this desk.",
  SSO_UNAVAILABLE: "The identity provider cannot be reached right now. Try again in a moment.",
  SSO_STATE_MISMATCH: "The sign-in could not be matched to this browser. Please start again.",
  SSO_EXPIRED: "The sign-in took too long. Please start again.",
  SSO_PROVIDER_ERROR: "The identity provider did not sign you in. Please try again.",
  SSO_NONCE_MISMATCH: "The identity provider's answer was not for this sign-in. Please start again.",
  SSO_INVALID_RESPONSE: "The identity provider's answer could not be verified. Try again, or contact your administrator.",
  SSO_EMAIL_MISSING: "The identity provider did not share your email address, so you cannot be signed in.",
  SSO_EMAIL_UNVERIFIED: "Your identity provider has not verified your email address, so it cannot be used to sign in here.",
  SSO_DOMAIN_NOT_ALLOWED: "Your email address cannot sign in with this provider. Ask an administrator for an invitation.",
  SSO_ACCOUNT_DEACTIVATED: "This account has been deactivated. Contact your administrator.",
  RATE_LIMITED: "Too many sign-in attempts. Please wait a minute and try again.",
};

export function ssoErrorMessage(code: string): string {
  return MESSAGES[code] ?? "Single sign-on did not work. Please try again, or sign in another way.";
}
