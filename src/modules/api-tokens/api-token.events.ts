/** Personal API tokens, by their owner (the actor). ADMIN visibility, refs.userId the owner. */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** A token was created (target: the ApiToken). Its secret is in the creation's response only. */
    "api_token.created": { name: string; scopes: string[]; expiresAt: string };
    /** A token was revoked and stopped working (target: the ApiToken). */
    "api_token.revoked": Record<string, never>;
  }
}

export {};
