import { graphql } from "./graphql.ts";

export const WebhookFields = graphql(`
  fragment WebhookFields on Webhook {
    id
    url
    description
    events
    enabled
    disabledAt
    failingSince
    secretHint
    previousSecretExpiresAt
    createdAt
    updatedAt
  }
`);

export const WebhookDeliveryFields = graphql(`
  fragment WebhookDeliveryFields on WebhookDelivery {
    id
    eventId
    eventType
    status
    attempts
    responseStatus
    responseBody
    durationMs
    error
    body
    createdAt
    lastAttemptAt
    nextAttemptAt
    deliveredAt
  }
`);

export const WebhooksQuery = graphql(
  `
    query Webhooks {
      webhooks {
        ...WebhookFields
      }
    }
  `,
  [WebhookFields],
);

/** A webhook's newest delivery, for the list's "last delivery" column. */
export const LastWebhookDeliveryQuery = graphql(
  `
    query LastWebhookDelivery($webhookId: ID!) {
      webhookDeliveries(webhookId: $webhookId, first: 1) {
        nodes {
          ...WebhookDeliveryFields
        }
      }
    }
  `,
  [WebhookDeliveryFields],
);

export const WebhookDeliveriesQuery = graphql(
  `
    query WebhookDeliveries(
      $webhookId: ID!
      $first: Int
      $after: String
      $last: Int
      $before: String
      $filter: WebhookDeliveryFilter
    ) {
      webhookDeliveries(webhookId: $webhookId, first: $first, after: $after, last: $last, before: $before, filter: $filter) {
        totalCount
        pageInfo {
          hasNextPage
          hasPreviousPage
          startCursor
          endCursor
        }
        edges {
          cursor
          node {
            ...WebhookDeliveryFields
          }
        }
      }
    }
  `,
  [WebhookDeliveryFields],
);

export const CreateWebhookMutation = graphql(
  `
    mutation CreateWebhook($input: CreateWebhookInput!) {
      createWebhook(input: $input) {
        secret
        webhook {
          ...WebhookFields
        }
      }
    }
  `,
  [WebhookFields],
);

export const UpdateWebhookMutation = graphql(
  `
    mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {
      updateWebhook(id: $id, input: $input) {
        ...WebhookFields
      }
    }
  `,
  [WebhookFields],
);

export const DeleteWebhookMutation = graphql(`
  mutation DeleteWebhook($id: ID!) {
    deleteWebhook(id: $id)
  }
`);

export const RotateWebhookSecretMutation = graphql(
  `
    mutation RotateWebhookSecret($id: ID!) {
      rotateWebhookSecret(id: $id) {
        secret
        webhook {
          ...WebhookFields
        }
      }
    }
  `,
  [WebhookFields],
);

export const PingWebhookMutation = graphql(
  `
    mutation PingWebhook($id: ID!) {
      pingWebhook(id: $id) {
        ...WebhookDeliveryFields
      }
    }
  `,
  [WebhookDeliveryFields],
);

export const RedeliverWebhookDeliveryMutation = graphql(
  `
    mutation RedeliverWebhookDelivery($id: ID!) {
      redeliverWebhookDelivery(id: $id) {
        ...WebhookDeliveryFields
      }
    }
  `,
  [WebhookDeliveryFields],
);
