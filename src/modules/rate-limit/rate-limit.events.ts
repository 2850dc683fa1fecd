/**
 * A caller ran out of a budget (the query budget, or the sign-in, registration and account-email
 * limits); at most one a minute per caller and limit (rate-limit.audit.ts). ADMIN visibility.
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /**
     * Target: the ApiToken or User that spent the budget, or the Request of an anonymous caller
     * (whose budget key, e.g. `ip:<address>`, is `caller`).
     */
    "rate_limit.hit": { limit: string; caller: string };
  }
}

export {};
