import { ApiScope } from "../../core/identity.js";
import { idempotent, rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAdmin } from "../../graphql/rules.js";

/** Webhook administration: admins, and of API tokens those with the webhooks scope. */
const administration = rootField({ rule: isAdmin, scope: ApiScope.WEBHOOKS });

export const webhookRules: ModuleRules = {
  Query: { webhooks: administration, webhookDeliveries: administration },
  Mutation: {
    createWebhook: idempotent(administration),
    updateWebhook: administration,
    deleteWebhook: administration,
    rotateWebhookSecret: administration,
    pingWebhook: administration,
    redeliverWebhookDelivery: administration,
  },
  // Reachable only through the fields above.
  Webhook: { "*": allow },
  WebhookSecretPayload: { "*": allow },
  WebhookDelivery: { "*": allow },
  WebhookDeliveryConnection: { "*": allow },
  WebhookDeliveryEdge: { "*": allow },
};
