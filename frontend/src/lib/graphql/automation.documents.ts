import { graphql, type VariablesOf } from "./graphql.ts";

export const AutomationRuleFields = graphql(`
  fragment AutomationRuleFields on AutomationRule {
    id
    name
    trigger
    enabled
    position
    version
    conditions {
      field
      operator
      values
    }
    actions {
      kind
      value
    }
    owner {
      id
      displayName
    }
    updatedAt
  }
`);

export const AutomationRulesQuery = graphql(
  `
    query AutomationRules {
      automationRules {
        ...AutomationRuleFields
      }
    }
  `,
  [AutomationRuleFields],
);

/** Who an ASSIGN action may name: active agents and admins. */
export const AutomationAssigneesQuery = graphql(`
  query AutomationAssignees {
    agents: users(first: 100, filter: { role: AGENT, deactivated: false }) {
      edges {
        node {
          id
          displayName
          email
        }
      }
    }
    admins: users(first: 100, filter: { role: ADMIN, deactivated: false }) {
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

export const CreateAutomationRuleMutation = graphql(
  `
    mutation CreateAutomationRule($input: AutomationRuleInput!) {
      createAutomationRule(input: $input) {
        ...AutomationRuleFields
      }
    }
  `,
  [AutomationRuleFields],
);

export const UpdateAutomationRuleMutation = graphql(
  `
    mutation UpdateAutomationRule($id: ID!, $input: AutomationRuleInput!, $expectedVersion: Int) {
      updateAutomationRule(id: $id, input: $input, expectedVersion: $expectedVersion) {
        ...AutomationRuleFields
      }
    }
  `,
  [AutomationRuleFields],
);

export const DeleteAutomationRuleMutation = graphql(`
  mutation DeleteAutomationRule($id: ID!) {
    deleteAutomationRule(id: $id)
  }
`);

export const TestAutomationRuleQuery = graphql(`
  query TestAutomationRule($input: AutomationRuleInput!, $lastTickets: Int!) {
    testAutomationRule(input: $input, lastTickets: $lastTickets) {
      ticketId
      reference
      subject
      matched
      actions
    }
  }
`);

export type VariablesOfTest = VariablesOf<typeof TestAutomationRuleQuery>;
