import { graphql } from "./graphql.ts";

export const ProjectsQuery = graphql(`
  query Projects($first: Int, $after: String, $filter: ProjectFilter) {
    projects(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          key
          name
          description
          archived
          openIssueCount
          lead {
            id
            displayName
          }
        }
      }
    }
  }
`);

export const IssueCardFields = graphql(`
  fragment IssueCardFields on Issue {
    id
    key
    title
    status
    priority
    version
    allowedTransitions
    assignee {
      id
      displayName
    }
    parent {
      id
      key
    }
  }
`);

/** A board's project; its columns load separately (ProjectColumnQuery, ProjectBoardCountsQuery). */
export const ProjectBoardQuery = graphql(`
  query ProjectBoard($key: String!) {
    project(key: $key) {
      id
      key
      name
      description
      archived
      viewerCanCreateIssues
    }
  }
`);

export const IssueDetailFields = graphql(
  `
    fragment IssueDetailFields on Issue {
      ...IssueCardFields
      description
      viewerCanEdit
      viewerCanComment
      viewerCanAssign
      createdAt
      updatedAt
      project {
        id
        key
        name
        archived
      }
      reporter {
        id
        displayName
      }
      parent {
        id
        key
        title
      }
      subIssues {
        id
        key
        title
        status
        assignee {
          id
          displayName
        }
      }
      linkedTickets {
        id
        reference
        subject
        status
      }
    }
  `,
  [IssueCardFields],
);

export const IssueQuery = graphql(
  `
    query Issue($key: String!) {
      issue(key: $key) {
        ...IssueDetailFields
      }
    }
  `,
  [IssueDetailFields],
);

export const CreateIssueMutation = graphql(
  `
    mutation CreateIssue($input: CreateIssueInput!) {
      createIssue(input: $input) {
        ...IssueCardFields
      }
    }
  `,
  [IssueCardFields],
);

export const TransitionIssueMutation = graphql(
  `
    mutation TransitionIssue($id: ID!, $to: IssueStatus!, $reason: String, $expectedVersion: Int) {
      transitionIssue(id: $id, to: $to, reason: $reason, expectedVersion: $expectedVersion) {
        ...IssueDetailFields
      }
    }
  `,
  [IssueDetailFields],
);

export const AssignIssueMutation = graphql(
  `
    mutation AssignIssue($id: ID!, $assigneeId: ID, $expectedVersion: Int) {
      assignIssue(id: $id, assigneeId: $assigneeId, expectedVersion: $expectedVersion) {
        ...IssueDetailFields
      }
    }
  `,
  [IssueDetailFields],
);

export const CreateProjectMutation = graphql(`
  mutation CreateProject($input: CreateProjectInput!) {
    createProject(input: $input) {
      id
      key
    }
  }
`);

/** The columns of a board: one grouped count per status, narrowed by the board's filter. */
export const ProjectBoardCountsQuery = graphql(`
  query ProjectBoardCounts($key: String!, $filter: IssueFilter) {
    project(key: $key) {
      id
      issueStatusCounts(filter: $filter) {
        status
        count
      }
    }
  }
`);

/** One page of one board column (the filter carries its status), Relay `first/after`. */
export const ProjectColumnQuery = graphql(
  `
    query ProjectColumn($key: String!, $first: Int!, $after: String, $filter: IssueFilter) {
      project(key: $key) {
        id
        issues(first: $first, after: $after, filter: $filter) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              ...IssueCardFields
            }
          }
        }
      }
    }
  `,
  [IssueCardFields],
);

export const UpdateIssueMutation = graphql(
  `
    mutation UpdateIssue($id: ID!, $input: UpdateIssueInput!, $expectedVersion: Int) {
      updateIssue(id: $id, input: $input, expectedVersion: $expectedVersion) {
        ...IssueDetailFields
      }
    }
  `,
  [IssueDetailFields],
);

export const IssueCommentFields = graphql(`
  fragment IssueCommentFields on Comment {
    id
    body
    createdAt
    editedAt
    version
    viewerCanEdit
    author {
      id
      displayName
      role
    }
  }
`);

/** An issue's discussion, oldest first, one page at a time. */
export const IssueCommentsQuery = graphql(
  `
    query IssueComments($id: ID!, $first: Int!, $after: String) {
      issue(id: $id) {
        id
        viewerCanComment
        comments(first: $first, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              ...IssueCommentFields
            }
          }
        }
      }
    }
  `,
  [IssueCommentFields],
);

export const AddIssueCommentMutation = graphql(
  `
    mutation AddIssueComment($input: AddCommentInput!) {
      addComment(input: $input) {
        ...IssueCommentFields
      }
    }
  `,
  [IssueCommentFields],
);

export const EditIssueCommentMutation = graphql(
  `
    mutation EditIssueComment($id: ID!, $body: String!, $expectedVersion: Int) {
      editComment(id: $id, body: $body, expectedVersion: $expectedVersion) {
        ...IssueCommentFields
      }
    }
  `,
  [IssueCommentFields],
);

export const DeleteIssueCommentMutation = graphql(`
  mutation DeleteIssueComment($id: ID!, $expectedVersion: Int) {
    deleteComment(id: $id, expectedVersion: $expectedVersion)
  }
`);

/** Issues matching a key or words of a title, for the "link to issue" search on a ticket. */
export const IssueSearchQuery = graphql(`
  query IssueSearch($search: String!, $first: Int!, $projectId: ID) {
    issues(first: $first, filter: { search: $search, projectId: $projectId }) {
      edges {
        node {
          id
          key
          title
          status
        }
      }
    }
  }
`);

/** Tickets matching a reference or words of a subject, for the "link a ticket" search on an issue. */
export const TicketSearchQuery = graphql(`
  query TicketSearch($search: String!, $first: Int!) {
    tickets(first: $first, filter: { search: $search }) {
      edges {
        node {
          id
          reference
          subject
          status
        }
      }
    }
  }
`);

export const LinkTicketFromIssueMutation = graphql(
  `
    mutation LinkTicketFromIssue($ticketId: ID!, $issueId: ID!) {
      linkTicketToIssue(ticketId: $ticketId, issueId: $issueId) {
        changed
        issue {
          ...IssueDetailFields
        }
      }
    }
  `,
  [IssueDetailFields],
);

export const UnlinkTicketFromIssuePageMutation = graphql(
  `
    mutation UnlinkTicketFromIssuePage($ticketId: ID!, $issueId: ID!) {
      unlinkTicketFromIssue(ticketId: $ticketId, issueId: $issueId) {
        changed
        issue {
          ...IssueDetailFields
        }
      }
    }
  `,
  [IssueDetailFields],
);
