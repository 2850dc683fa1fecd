import { graphql } from "./graphql.ts";

/** How a ticket's SLA clock has counted (the ticket page's "How the clock counted"). */
export const SlaExplanationQuery = graphql(`
  query SlaExplanation($id: ID!) {
    ticket(id: $id) {
      id
      slaExplanation {
        calendar
        holidays
        countedSeconds
        segments {
          start
          end
          kind
          reason
        }
      }
    }
  }
`);
