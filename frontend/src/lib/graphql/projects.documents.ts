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

export const ProjectBoardQuery = graphql(
  `
    query ProjectBoard($key: String!, $first: Int!, $filter: IssueFilter) {
      project(key: $key) {
        id
        key
        name
        description
        archived
        viewerCanCreateIssues
        issues(first: $first, filter: $filter) {
          totalCount
          pageInfo {
            hasNextPage
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

export const IssueDetailFields = graphql(
  `
    fragment IssueDetailFields on Issue {
      ...IssueCardFields
      description
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

/** Resolves an issue key typed by an agent (e.g. "ENG-12") before linking a ticket to it. */
export const IssueByKeyQuery = graphql(`
  query IssueByKey($key: String!) {
    issue(key: $key) {
      id
      key
      title
      status
    }
  }
`);

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
