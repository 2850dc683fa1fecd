/** Single sign-on (OIDC). ADMIN visibility, refs.userId the account. */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** Someone signed in through an identity provider (target: the new Session; actor: the account). */
    "sso.signed_in": { provider: string };
    /** A sign-in through an identity provider was refused (target: the account if known, else the request). */
    "sso.sign_in_failed": { provider: string; reason: string; email?: string };
    /** An existing account was linked to a provider identity by its verified email (target: the User). */
    "sso.account_linked": { provider: string };
    /** An account was created just in time by a provider sign-in (target: the User). */
    "sso.account_created": { provider: string; role: string };
  }
}

export {};
