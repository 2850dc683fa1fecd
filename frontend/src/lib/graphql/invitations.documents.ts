import { SessionUserFields } from "./auth.documents.ts";
import { graphql } from "./graphql.ts";
import { AdminUserFields } from "./users.documents.ts";

/** Single sign-on buttons, invitations (invitee and admin side) and reactivation. */

export const SignInProvidersQuery = graphql(`
  query SignInProviders {
    signInProviders {
      id
      displayName
    }
  }
`);

export const InvitationPreviewQuery = graphql(`
  query InvitationPreview($token: String!) {
    invitation(token: $token) {
      email
      role
      expiresAt
      ssoRequired
    }
  }
`);

export const AcceptInvitationMutation = graphql(
  `
    mutation AcceptInvitation($input: AcceptInvitationInput!) {
      acceptInvitation(input: $input) {
        accessToken
        expiresIn
        user {
          ...SessionUserFields
        }
      }
    }
  `,
  [SessionUserFields],
);

export const InvitationFields = graphql(`
  fragment InvitationFields on Invitation {
    id
    email
    role
    status
    sentAt
    expiresAt
    acceptedAt
  }
`);

export const InvitationsQuery = graphql(
  `
    query Invitations($filter: InvitationFilter) {
      invitations(first: 50, filter: $filter) {
        nodes {
          ...InvitationFields
        }
      }
    }
  `,
  [InvitationFields],
);

export const InviteUserMutation = graphql(
  `
    mutation InviteUser($input: InviteUserInput!) {
      inviteUser(input: $input) {
        ...InvitationFields
      }
    }
  `,
  [InvitationFields],
);

export const ResendInvitationMutation = graphql(
  `
    mutation ResendInvitation($id: ID!) {
      resendInvitation(id: $id) {
        ...InvitationFields
      }
    }
  `,
  [InvitationFields],
);

export const RevokeInvitationMutation = graphql(
  `
    mutation RevokeInvitation($id: ID!) {
      revokeInvitation(id: $id) {
        ...InvitationFields
      }
    }
  `,
  [InvitationFields],
);

export const ReactivateUserMutation = graphql(
  `
    mutation ReactivateUser($userId: ID!) {
      reactivateUser(userId: $userId) {
        ...AdminUserFields
      }
    }
  `,
  [AdminUserFields],
);
