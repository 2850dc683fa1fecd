import { graphql } from "./graphql.ts";

export const OrganisationFields = graphql(`
  fragment OrganisationFields on Organisation {
    id
    name
    notes
    emailDomains
    memberCount
    members {
      id
      role
      createdAt
      user {
        id
        displayName
        email
      }
    }
    ticketCounts {
      open
      resolved
      breached
      total
    }
  }
`);

export const OrganisationsQuery = graphql(`
  query Organisations($search: String, $first: Int, $after: String, $last: Int, $before: String) {
    organisations(search: $search, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        node {
          id
          name
          emailDomains
          memberCount
          ticketCounts {
            open
            breached
          }
        }
      }
    }
  }
`);

/** The queue's organisation filter: names only. */
export const OrganisationOptionsQuery = graphql(`
  query OrganisationOptions {
    organisations(first: 100) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

export const OrganisationQuery = graphql(
  `
    query Organisation($id: ID!) {
      organisation(id: $id) {
        ...OrganisationFields
      }
    }
  `,
  [OrganisationFields],
);

export const MyOrganisationsQuery = graphql(`
  query MyOrganisations {
    myOrganisations {
      role
      organisation {
        id
        name
      }
    }
  }
`);

export const CreateOrganisationMutation = graphql(
  `
    mutation CreateOrganisation($input: CreateOrganisationInput!) {
      createOrganisation(input: $input) {
        ...OrganisationFields
      }
    }
  `,
  [OrganisationFields],
);

export const UpdateOrganisationMutation = graphql(
  `
    mutation UpdateOrganisation($id: ID!, $input: UpdateOrganisationInput!) {
      updateOrganisation(id: $id, input: $input) {
        ...OrganisationFields
      }
    }
  `,
  [OrganisationFields],
);

export const DeleteOrganisationMutation = graphql(`
  mutation DeleteOrganisation($id: ID!) {
    deleteOrganisation(id: $id)
  }
`);

export const AddOrganisationMemberMutation = graphql(`
  mutation AddOrganisationMember($organisationId: ID!, $userId: ID!, $role: OrganisationRole) {
    addOrganisationMember(organisationId: $organisationId, userId: $userId, role: $role) {
      id
    }
  }
`);

export const SetOrganisationMemberRoleMutation = graphql(`
  mutation SetOrganisationMemberRole($organisationId: ID!, $userId: ID!, $role: OrganisationRole!) {
    setOrganisationMemberRole(organisationId: $organisationId, userId: $userId, role: $role) {
      id
      role
    }
  }
`);

export const RemoveOrganisationMemberMutation = graphql(`
  mutation RemoveOrganisationMember($organisationId: ID!, $userId: ID!) {
    removeOrganisationMember(organisationId: $organisationId, userId: $userId) {
      id
    }
  }
`);
