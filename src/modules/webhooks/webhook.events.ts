/** Webhook administration, by an admin or a token with the webhooks scope (the actor). ADMIN visibility. */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** An endpoint was added (target: the Webhook). Its secret is in the creation's response only. */
    "webhook.created": { url: string; events: string[] };
    /** An endpoint's address, events, description or enabled state changed (target: the Webhook). */
    "webhook.updated": { changes: Record<string, { from: unknown; to: unknown }> };
    /** An endpoint and its delivery log were removed (target: the Webhook). */
    "webhook.deleted": { url: string };
    /** An endpoint got a new signing secret; the old one signs beside it until `previousSecretExpiresAt`. */
    "webhook.secret_rotated": { previousSecretExpiresAt: string | null };
  }
}

export {};
