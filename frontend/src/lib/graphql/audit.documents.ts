import { graphql } from "./graphql.ts";

export const AuditEventsQuery = graphql(`
  query AuditEvents($first: Int, $after: String, $last: Int, $before: String, $filter: AuditEventFilter) {
    auditEvents(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
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
          id
          action
          actor {
            id
            displayName
          }
          targetType
          targetId
          targetLabel
          ip
          userAgent
          details
          createdAt
        }
      }
    }
  }
`);
