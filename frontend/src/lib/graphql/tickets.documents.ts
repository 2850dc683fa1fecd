import { graphql } from "./graphql.ts";

export const PageInfoFields = graphql(`
  fragment PageInfoFields on PageInfo {
    hasNextPage
    hasPreviousPage
    startCursor
    endCursor
  }
`);

export const TicketListFields = graphql(`
  fragment TicketListFields on Ticket {
    id
    reference
    subject
    status
    priority
    category
    slaBreached
    slaState
    slaSecondsLeft
    createdAt
    updatedAt
    requester {
      id
      displayName
    }
    assignee {
      id
      displayName
    }
  }
`);

export const TicketsQuery = graphql(
  `
    query Tickets(
      $first: Int
      $after: String
      $last: Int
      $before: String
      $filter: TicketFilter
      $orderBy: TicketOrder
    ) {
      tickets(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
        totalCount
        pageInfo {
          ...PageInfoFields
        }
        edges {
          cursor
          node {
            ...TicketListFields
          }
        }
      }
    }
  `,
  [PageInfoFields, TicketListFields],
);

export const CommentFields = graphql(`
  fragment CommentFields on Comment {
    id
    attachments {
      id
      fileName
      size
      contentType
      url
      thumbnailUrl
      isImage
    }
    body
    internal
    source
    version
    viewerCanEdit
    createdAt
    editedAt
    author {
      id
      displayName
      role
    }
  }
`);

export const TicketDetailFields = graphql(`
  fragment TicketDetailFields on Ticket {
    id
    attachments {
      id
      fileName
      size
      contentType
      url
      thumbnailUrl
      isImage
    }
    reference
    subject
    description
    status
    priority
    category
    slaBreached
    slaState
    slaSecondsLeft
    slaDueAt
    firstResponseAt
    resolvedAt
    closedAt
    createdAt
    updatedAt
    version
    viewerCanEdit
    viewerCanComment
    allowedTransitions
    timeToFirstResponse
    timeOpen
    # No email: a manager of the requester's organisation reads the ticket too, and emails are the owner's and staff's.
    requester {
      id
      displayName
    }
    assignee {
      id
      displayName
    }
    organisation {
      id
      name
    }
    # Mutations return the timeline too, so the page never shows a stale one.
    history {
      id
      action
      from
      to
      details
      at
      actor {
        id
        displayName
      }
    }
    # Staff only: the desk's internal issues are not shown to customers.
    linkedIssues @include(if: $staff) {
      id
      key
      title
      status
    }
  }
`);

export const TicketQuery = graphql(
  `
    query Ticket($id: ID!, $commentsFirst: Int!, $commentsAfter: String, $staff: Boolean!) {
      ticket(id: $id) {
        ...TicketDetailFields
        comments(first: $commentsFirst, after: $commentsAfter) {
          totalCount
          pageInfo {
            ...PageInfoFields
          }
          edges {
            cursor
            node {
              ...CommentFields
            }
          }
        }
      }
    }
  `,
  [TicketDetailFields, CommentFields, PageInfoFields],
);

export const TicketCommentsQuery = graphql(
  `
    query TicketComments($id: ID!, $first: Int!, $after: String) {
      ticket(id: $id) {
        id
        comments(first: $first, after: $after) {
          totalCount
          pageInfo {
            ...PageInfoFields
          }
          edges {
            cursor
            node {
              ...CommentFields
            }
          }
        }
      }
    }
  `,
  [CommentFields, PageInfoFields],
);

export const CreateTicketMutation = graphql(`
  mutation CreateTicket($input: CreateTicketInput!) {
    createTicket(input: $input) {
      id
      reference
    }
  }
`);

export const UpdateTicketMutation = graphql(
  `
    mutation UpdateTicket($id: ID!, $input: UpdateTicketInput!, $expectedVersion: Int, $staff: Boolean!) {
      updateTicket(id: $id, input: $input, expectedVersion: $expectedVersion) {
        ...TicketDetailFields
      }
    }
  `,
  [TicketDetailFields],
);

export const AssignTicketMutation = graphql(
  `
    mutation AssignTicket($id: ID!, $assigneeId: ID, $expectedVersion: Int, $staff: Boolean!) {
      assignTicket(id: $id, assigneeId: $assigneeId, expectedVersion: $expectedVersion) {
        ...TicketDetailFields
      }
    }
  `,
  [TicketDetailFields],
);

export const TransitionTicketMutation = graphql(
  `
    mutation TransitionTicket($id: ID!, $to: TicketStatus!, $expectedVersion: Int, $reason: String, $staff: Boolean!) {
      transitionTicket(id: $id, to: $to, expectedVersion: $expectedVersion, reason: $reason) {
        ...TicketDetailFields
      }
    }
  `,
  [TicketDetailFields],
);

export const LinkTicketToIssueMutation = graphql(
  `
    mutation LinkTicketToIssue($ticketId: ID!, $issueId: ID!, $staff: Boolean!) {
      linkTicketToIssue(ticketId: $ticketId, issueId: $issueId) {
        changed
        ticket {
          ...TicketDetailFields
        }
      }
    }
  `,
  [TicketDetailFields],
);

export const UnlinkTicketFromIssueMutation = graphql(
  `
    mutation UnlinkTicketFromIssue($ticketId: ID!, $issueId: ID!, $staff: Boolean!) {
      unlinkTicketFromIssue(ticketId: $ticketId, issueId: $issueId) {
        changed
        ticket {
          ...TicketDetailFields
        }
      }
    }
  `,
  [TicketDetailFields],
);

export const EditCommentMutation = graphql(
  `
    mutation EditComment($id: ID!, $body: String!, $expectedVersion: Int) {
      editComment(id: $id, body: $body, expectedVersion: $expectedVersion) {
        ...CommentFields
      }
    }
  `,
  [CommentFields],
);

export const DeleteCommentMutation = graphql(`
  mutation DeleteComment($id: ID!, $expectedVersion: Int) {
    deleteComment(id: $id, expectedVersion: $expectedVersion)
  }
`);

export const AddCommentMutation = graphql(
  `
    mutation AddComment($input: AddCommentInput!) {
      addComment(input: $input) {
        ...CommentFields
      }
    }
  `,
  [CommentFields],
);
