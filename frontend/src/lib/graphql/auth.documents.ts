import { graphql } from "./graphql.ts";

export const SessionUserFields = graphql(`
  fragment SessionUserFields on User {
    id
    email
    displayName
    role
  }
`);

export const LoginMutation = graphql(
  `
    mutation Login($input: LoginInput!) {
      login(input: $input) {
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

export const RegisterMutation = graphql(
  `
    mutation Register($input: RegisterInput!) {
      register(input: $input) {
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

export const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

export const ChangePasswordMutation = graphql(`
  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)
  }
`);

export const MeQuery = graphql(`
  query Me {
    me {
      id
      email
      displayName
      role
      emailVerified
      lastLoginAt
      lockedUntil
      deactivatedAt
      createdAt
    }
  }
`);

export const RequestPasswordResetMutation = graphql(`
  mutation RequestPasswordReset($email: String!) {
    requestPasswordReset(email: $email)
  }
`);

export const ResetPasswordMutation = graphql(`
  mutation ResetPassword($token: String!, $newPassword: String!) {
    resetPassword(token: $token, newPassword: $newPassword)
  }
`);

export const VerifyEmailMutation = graphql(`
  mutation VerifyEmail($token: String!) {
    verifyEmail(token: $token)
  }
`);

export const SignInWithLinkMutation = graphql(
  `
    mutation SignInWithLink($token: String!) {
      signInWithLink(token: $token) {
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

export const MySessionsQuery = graphql(`
  query MySessions {
    mySessions {
      id
      current
      device
      ip
      createdAt
      lastActiveAt
    }
  }
`);

export const RevokeSessionMutation = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id)
  }
`);

export const RevokeOtherSessionsMutation = graphql(`
  mutation RevokeOtherSessions {
    revokeOtherSessions
  }
`);

export const ApiTokenFields = graphql(`
  fragment ApiTokenFields on ApiToken {
    id
    name
    hint
    scopes
    createdAt
    expiresAt
    lastUsedAt
    lastUsedIp
  }
`);

export const ApiTokensQuery = graphql(
  `
    query ApiTokens {
      apiTokens {
        ...ApiTokenFields
      }
    }
  `,
  [ApiTokenFields],
);

export const CreateApiTokenMutation = graphql(
  `
    mutation CreateApiToken($input: CreateApiTokenInput!) {
      createApiToken(input: $input) {
        token
        apiToken {
          ...ApiTokenFields
        }
      }
    }
  `,
  [ApiTokenFields],
);

export const RevokeApiTokenMutation = graphql(`
  mutation RevokeApiToken($id: ID!) {
    revokeApiToken(id: $id) {
      id
    }
  }
`);

export const NotificationPreferencesFields = graphql(`
  fragment NotificationPreferencesFields on NotificationPreferences {
    id
    ticketReplies
    ticketResolved
    assignedTicketReplies
    watchedTickets
    mentions
  }
`);

export const NotificationPreferencesQuery = graphql(
  `
    query NotificationPreferences {
      notificationPreferences {
        ...NotificationPreferencesFields
      }
    }
  `,
  [NotificationPreferencesFields],
);

export const UpdateNotificationPreferencesMutation = graphql(
  `
    mutation UpdateNotificationPreferences($input: NotificationPreferencesInput!) {
      updateNotificationPreferences(input: $input) {
        ...NotificationPreferencesFields
      }
    }
  `,
  [NotificationPreferencesFields],
);
