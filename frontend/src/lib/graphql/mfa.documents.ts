import { SessionUserFields } from "./auth.documents.ts";
import { graphql } from "./graphql.ts";

export const SessionPayloadFields = graphql(
  `
    fragment SessionPayloadFields on AuthPayload {
      accessToken
      expiresIn
      user {
        ...SessionUserFields
      }
    }
  `,
  [SessionUserFields],
);

export const CompleteSignInMutation = graphql(
  `
    mutation CompleteSignIn($input: CompleteSignInInput!) {
      completeSignIn(input: $input) {
        ...SessionPayloadFields
      }
    }
  `,
  [SessionPayloadFields],
);

export const StartPasskeySignInMutation = graphql(`
  mutation StartPasskeySignIn($challengeToken: String) {
    startPasskeySignIn(challengeToken: $challengeToken) {
      challengeToken
      optionsJson
    }
  }
`);

export const MySecondFactorQuery = graphql(`
  query MySecondFactor {
    mySecondFactor {
      totpEnabled
      passkeyCount
      recoveryCodesLeft
      required
      graceEndsAt
    }
  }
`);

export const StartTotpEnrolmentMutation = graphql(`
  mutation StartTotpEnrolment($enrolmentToken: String) {
    startTotpEnrolment(enrolmentToken: $enrolmentToken) {
      otpauthUri
      qrCodeDataUrl
      manualKey
    }
  }
`);

export const ConfirmTotpEnrolmentMutation = graphql(
  `
    mutation ConfirmTotpEnrolment($code: String!, $enrolmentToken: String) {
      confirmTotpEnrolment(code: $code, enrolmentToken: $enrolmentToken) {
        recoveryCodes
        signIn {
          ...SessionPayloadFields
        }
      }
    }
  `,
  [SessionPayloadFields],
);

export const DisableTotpMutation = graphql(`
  mutation DisableTotp($code: String!) {
    disableTotp(code: $code)
  }
`);

export const RegenerateRecoveryCodesMutation = graphql(`
  mutation RegenerateRecoveryCodes {
    regenerateRecoveryCodes
  }
`);

export const PasskeysQuery = graphql(`
  query Passkeys {
    passkeys {
      id
      name
      createdAt
      lastUsedAt
    }
  }
`);

export const StartPasskeyRegistrationMutation = graphql(`
  mutation StartPasskeyRegistration($enrolmentToken: String) {
    startPasskeyRegistration(enrolmentToken: $enrolmentToken) {
      challengeToken
      optionsJson
    }
  }
`);

export const FinishPasskeyRegistrationMutation = graphql(`
  mutation FinishPasskeyRegistration($challengeToken: String!, $name: String!, $response: String!) {
    finishPasskeyRegistration(challengeToken: $challengeToken, name: $name, response: $response) {
      id
      name
    }
  }
`);

export const RemovePasskeyMutation = graphql(`
  mutation RemovePasskey($id: ID!) {
    removePasskey(id: $id)
  }
`);

export const ResetSecondFactorMutation = graphql(`
  mutation ResetSecondFactor($userId: ID!) {
    resetSecondFactor(userId: $userId) {
      id
    }
  }
`);

export const SecondFactorPoliciesQuery = graphql(`
  query SecondFactorPolicies {
    secondFactorPolicies {
      role
      required
      graceDays
      custom
    }
  }
`);

export const SetSecondFactorPolicyMutation = graphql(`
  mutation SetSecondFactorPolicy($role: Role!, $required: Boolean!, $graceDays: Int!) {
    setSecondFactorPolicy(role: $role, required: $required, graceDays: $graceDays) {
      role
      required
      graceDays
      custom
    }
  }
`);

export const FinishPasskeyEnrolmentMutation = graphql(
  `
    mutation FinishPasskeyEnrolment($enrolmentToken: String!, $challengeToken: String!, $name: String!, $response: String!) {
      finishPasskeyEnrolment(enrolmentToken: $enrolmentToken, challengeToken: $challengeToken, name: $name, response: $response) {
        recoveryCodes
        signIn {
          ...SessionPayloadFields
        }
      }
    }
  `,
  [SessionPayloadFields],
);
