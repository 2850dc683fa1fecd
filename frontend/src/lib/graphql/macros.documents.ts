import { graphql } from "./graphql.ts";

/** Tags, canned responses and macros (issue 18). */

export const TagsQuery = graphql(`
  query Tags($search: String, $first: Int) {
    tags(search: $search, first: $first) {
      id
      name
      version
    }
  }
`);

export const TicketTagsQuery = graphql(`
  query TicketTags($id: ID!) {
    ticket(id: $id) {
      id
      tags {
        id
        name
      }
    }
  }
`);

export const ChangeTicketTagsMutation = graphql(`
  mutation ChangeTicketTags($ticketId: ID!, $add: [String!], $remove: [String!]) {
    changeTicketTags(ticketId: $ticketId, add: $add, remove: $remove) {
      ticket {
        id
        version
        tags {
          id
          name
        }
      }
    }
  }
`);

export const IssueTagsQuery = graphql(`
  query IssueTags($id: ID!) {
    issue(id: $id) {
      id
      tags {
        id
        name
      }
    }
  }
`);

export const ChangeIssueTagsMutation = graphql(`
  mutation ChangeIssueTags($issueId: ID!, $add: [String!], $remove: [String!]) {
    changeIssueTags(issueId: $issueId, add: $add, remove: $remove) {
      issue {
        id
        version
        tags {
          id
          name
        }
      }
    }
  }
`);

export const CreateTagMutation = graphql(`
  mutation CreateTag($name: String!) {
    createTag(name: $name) {
      id
      name
      version
    }
  }
`);

export const RenameTagMutation = graphql(`
  mutation RenameTag($id: ID!, $name: String!, $expectedVersion: Int) {
    renameTag(id: $id, name: $name, expectedVersion: $expectedVersion) {
      id
      name
      version
    }
  }
`);

export const DeleteTagMutation = graphql(`
  mutation DeleteTag($id: ID!) {
    deleteTag(id: $id)
  }
`);

export const CannedResponsesQuery = graphql(`
  query CannedResponses($search: String, $first: Int) {
    cannedResponses(search: $search, first: $first) {
      id
      title
      body
      shared
      editable
      version
      owner {
        id
        displayName
      }
    }
    cannedResponsePlaceholders {
      token
      description
    }
  }
`);

export const RenderCannedResponseQuery = graphql(`
  query RenderCannedResponse($id: ID!, $ticketId: ID!) {
    renderCannedResponse(id: $id, ticketId: $ticketId) {
      title
      body
    }
  }
`);

export const CreateCannedResponseMutation = graphql(`
  mutation CreateCannedResponse($input: CannedResponseInput!) {
    createCannedResponse(input: $input) {
      id
    }
  }
`);

export const UpdateCannedResponseMutation = graphql(`
  mutation UpdateCannedResponse($id: ID!, $input: CannedResponseInput!, $expectedVersion: Int) {
    updateCannedResponse(id: $id, input: $input, expectedVersion: $expectedVersion) {
      id
    }
  }
`);

export const DeleteCannedResponseMutation = graphql(`
  mutation DeleteCannedResponse($id: ID!) {
    deleteCannedResponse(id: $id)
  }
`);

export const MacrosQuery = graphql(`
  query Macros($search: String, $first: Int) {
    macros(search: $search, first: $first) {
      id
      name
      shared
      editable
      version
      owner {
        id
        displayName
      }
      actions {
        replyBody
        replyCannedResponseId
        replyInternal
        status
        priority
        assign
        assigneeId
        addTags
        removeTags
      }
    }
  }
`);

export const CreateMacroMutation = graphql(`
  mutation CreateMacro($input: MacroInput!) {
    createMacro(input: $input) {
      id
    }
  }
`);

export const UpdateMacroMutation = graphql(`
  mutation UpdateMacro($id: ID!, $input: MacroInput!, $expectedVersion: Int) {
    updateMacro(id: $id, input: $input, expectedVersion: $expectedVersion) {
      id
    }
  }
`);

export const DeleteMacroMutation = graphql(`
  mutation DeleteMacro($id: ID!) {
    deleteMacro(id: $id)
  }
`);

export const PreviewMacroQuery = graphql(`
  query PreviewMacro($macroId: ID!, $ticketId: ID!) {
    previewMacro(macroId: $macroId, ticketId: $ticketId) {
      applicable
      errorCode
      errorMessage
      ticketVersion
      changes {
        kind
        from
        to
      }
    }
  }
`);

export const ApplyMacroMutation = graphql(`
  mutation ApplyMacro($macroId: ID!, $ticketId: ID!, $expectedVersion: Int!) {
    applyMacro(macroId: $macroId, ticketId: $ticketId, expectedVersion: $expectedVersion) {
      changes {
        kind
      }
      ticket {
        id
        version
        status
      }
    }
  }
`);
