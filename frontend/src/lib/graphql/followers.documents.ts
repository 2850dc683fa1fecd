import { graphql } from "./graphql.ts";

/** Watchers, CC addresses and satisfaction ratings of a ticket (issue 18). */

/** What the followers panel shows; every watch and CC change answers with it. */
export const TicketFollowersFields = graphql(`
  fragment TicketFollowersFields on Ticket {
    id
    viewerIsWatching
    watchers {
      id
      displayName
    }
    ccs {
      email
    }
  }
`);

export const TicketFollowersQuery = graphql(
  `
    query TicketFollowers($id: ID!) {
      ticket(id: $id) {
        ...TicketFollowersFields
        status
      }
    }
  `,
  [TicketFollowersFields],
);

export const WatchTicketMutation = graphql(
  `
    mutation WatchTicket($ticketId: ID!, $userId: ID) {
      watchTicket(ticketId: $ticketId, userId: $userId) {
        ...TicketFollowersFields
      }
    }
  `,
  [TicketFollowersFields],
);

export const UnwatchTicketMutation = graphql(
  `
    mutation UnwatchTicket($ticketId: ID!, $userId: ID) {
      unwatchTicket(ticketId: $ticketId, userId: $userId) {
        ...TicketFollowersFields
      }
    }
  `,
  [TicketFollowersFields],
);

export const AddTicketCcMutation = graphql(
  `
    mutation AddTicketCc($ticketId: ID!, $email: String!) {
      addTicketCc(ticketId: $ticketId, email: $email) {
        ...TicketFollowersFields
      }
    }
  `,
  [TicketFollowersFields],
);

export const RemoveTicketCcMutation = graphql(
  `
    mutation RemoveTicketCc($ticketId: ID!, $email: String!) {
      removeTicketCc(ticketId: $ticketId, email: $email) {
        ...TicketFollowersFields
      }
    }
  `,
  [TicketFollowersFields],
);

export const MentionableAgentsQuery = graphql(`
  query MentionableAgents($search: String) {
    mentionableAgents(search: $search, first: 8) {
      id
      displayName
    }
  }
`);

export const TicketRatingQuery = graphql(`
  query TicketRating($id: ID!) {
    ticket(id: $id) {
      id
      status
      viewerCanRate
      satisfaction {
        score
        comment
        ratedAt
        changeableUntil
      }
    }
  }
`);

export const RateTicketMutation = graphql(`
  mutation RateTicket($ticketId: ID!, $score: Int!, $comment: String) {
    rateTicket(ticketId: $ticketId, score: $score, comment: $comment) {
      score
      comment
      ratedAt
      changeableUntil
    }
  }
`);

export const SatisfactionStatsQuery = graphql(`
  query SatisfactionStats($from: DateTimeISO!, $to: DateTimeISO!, $groupBy: SatisfactionGroupBy!) {
    satisfactionStats(from: $from, to: $to, groupBy: $groupBy) {
      count
      average
      distribution
      groups {
        agent {
          id
          displayName
        }
        weekStart
        count
        average
        distribution
      }
    }
  }
`);

