import { graphql } from "./graphql.ts";

export const AdminUserFields = graphql(`
  fragment AdminUserFields on User {
    id
    email
    displayName
    role
    emailVerified
    lastLoginAt
    locked
    lockedUntil
    deactivatedAt
    createdAt
  }
`);

export const UsersQuery = graphql(
  `
    query Users($first: Int, $after: String, $last: Int, $before: String, $filter: UserFilter) {
      users(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
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
            ...AdminUserFields
          }
        }
      }
    }
  `,
  [AdminUserFields],
);

/** People a ticket or issue can be assigned to. */
export const AssignableUsersQuery = graphql(`
  query AssignableUsers($role: Role!) {
    users(first: 100, filter: { role: $role }) {
      edges {
        node {
          id
          displayName
          email
        }
      }
    }
  }
`);

export const SetUserRoleMutation = graphql(
  `
    mutation SetUserRole($userId: ID!, $role: Role!) {
      setUserRole(userId: $userId, role: $role) {
        ...AdminUserFields
      }
    }
  `,
  [AdminUserFields],
);

export const UnlockUserMutation = graphql(
  `
    mutation UnlockUser($userId: ID!) {
      unlockUser(userId: $userId) {
        ...AdminUserFields
      }
    }
  `,
  [AdminUserFields],
);

export const DeactivateUserMutation = graphql(
  `
    mutation DeactivateUser($userId: ID!) {
      deactivateUser(userId: $userId) {
        ...AdminUserFields
      }
    }
  `,
  [AdminUserFields],
);
