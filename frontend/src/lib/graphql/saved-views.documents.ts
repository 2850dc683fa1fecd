import { graphql } from "./graphql.ts";

export const SavedViewFields = graphql(`
  fragment SavedViewFields on SavedView {
    id
    name
    shared
    position
    version
    filter
    orderBy {
      field
      direction
    }
    count
    viewerCanEdit
  }
`);

export const SavedViewsQuery = graphql(
  `
    query SavedViews {
      savedViews {
        ...SavedViewFields
      }
    }
  `,
  [SavedViewFields],
);

export const CreateSavedViewMutation = graphql(
  `
    mutation CreateSavedView($input: CreateSavedViewInput!) {
      createSavedView(input: $input) {
        ...SavedViewFields
      }
    }
  `,
  [SavedViewFields],
);

export const UpdateSavedViewMutation = graphql(
  `
    mutation UpdateSavedView($id: ID!, $input: UpdateSavedViewInput!, $expectedVersion: Int) {
      updateSavedView(id: $id, input: $input, expectedVersion: $expectedVersion) {
        ...SavedViewFields
      }
    }
  `,
  [SavedViewFields],
);

export const DeleteSavedViewMutation = graphql(`
  mutation DeleteSavedView($id: ID!) {
    deleteSavedView(id: $id)
  }
`);

/** Agents find the customer a ticket is opened for. */
export const CustomersQuery = graphql(`
  query Customers($search: String, $first: Int) {
    customers(search: $search, first: $first) {
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
