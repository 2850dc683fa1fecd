/**
 * The GraphQL documents of the scenarios. B1 (the hand-written baseline) answers exactly these
 * documents, recognised by their text, with the same bytes.
 */

/** Q1: the agent queue, most urgent first, with SLA figures and the latest three comments. */
export const QUEUE = `query BenchQueue($first: Int!) {
  tickets(first: $first, filter: { status: [OPEN, IN_PROGRESS] }, orderBy: { field: PRIORITY, direction: DESC }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id reference subject status priority createdAt updatedAt
      firstResponseDueAt resolutionDueAt slaBreached timeOpen timeToFirstResponse
      requester { id displayName email }
      assignee { id displayName }
      latestComments(last: 3) { id body internal createdAt author { id displayName } }
    }
  }
}`;

/** Q2: one ticket by id with its 20 latest comments and its history. */
export const TICKET = `query BenchTicket($id: ID!) {
  ticket(id: $id) {
    id reference subject description status priority category version createdAt updatedAt
    firstResponseAt resolvedAt closedAt firstResponseDueAt resolutionDueAt slaBreached timeOpen timeToFirstResponse
    viewerCanEdit viewerCanComment allowedTransitions
    requester { id displayName email }
    assignee { id displayName }
    comments(last: 20) { pageInfo { hasPreviousPage startCursor } nodes { id body internal createdAt editedAt author { id displayName role } } }
    history { id action from to at actor { id displayName } }
  }
}`;

/** Q3: an agent's public reply. */
export const ADD_COMMENT = `mutation BenchAddComment($input: AddCommentInput!) {
  addComment(input: $input) { id body internal createdAt author { id } }
}`;

/** Q5: a customer's own tickets matching a text search. */
export const SEARCH = `query BenchSearch($search: String!) {
  tickets(first: 20, filter: { search: $search }) {
    nodes { id reference subject status priority updatedAt slaBreached assignee { displayName } }
  }
}`;

/** Marks the benchmark's comments so a reset can find them. */
export const BENCH_COMMENT_PREFIX = "[bench] ";
