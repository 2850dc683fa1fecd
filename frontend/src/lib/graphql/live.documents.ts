import { graphql } from "./graphql.ts";

/** What a live screen needs of an event: enough to know what changed; the screen refetches the rest. */
export const LiveEventFields = graphql(`
  fragment LiveEventFields on Event {
    id
    type
    position
    target {
      type
      id
    }
  }
`);

export const TicketEventsSubscription = graphql(
  `
    subscription TicketEvents($ticketId: ID!) {
      ticketEvents(ticketId: $ticketId) {
        ...LiveEventFields
        # The ticket page tells someone editing who changed what meanwhile.
        payload
        actor {
          id
          displayName
        }
      }
    }
  `,
  [LiveEventFields],
);

export const DeskEventsSubscription = graphql(
  `
    subscription DeskEvents {
      deskEvents {
        ...LiveEventFields
      }
    }
  `,
  [LiveEventFields],
);

export const MyTicketEventsSubscription = graphql(
  `
    subscription MyTicketEvents {
      myTicketEvents {
        ...LiveEventFields
      }
    }
  `,
  [LiveEventFields],
);
