import { graphql } from "./graphql.ts";

/** Bulk changes with a preview, the major-incident update of an issue's linked tickets, and merging duplicates (issue 18). */

export const BulkOutcomeFields = graphql(`
  fragment BulkOutcomeFields on BulkTicketPreview {
    allowedCount
    refusedCount
    expectedVersions {
      ticketId
      version
    }
    outcomes {
      ticketId
      allowed
      refusal
      reason
      version
      changes {
        field
        from
        to
      }
      ticket {
        id
        reference
        subject
        status
      }
    }
  }
`);

export const PreviewBulkTicketChangeQuery = graphql(
  `
    query PreviewBulkTicketChange($input: PreviewBulkTicketChangeInput!) {
      previewBulkTicketChange(input: $input) {
        ...BulkOutcomeFields
      }
    }
  `,
  [BulkOutcomeFields],
);

export const ApplyBulkTicketChangeMutation = graphql(`
  mutation ApplyBulkTicketChange($input: ApplyBulkTicketChangeInput!) {
    applyBulkTicketChange(input: $input) {
      changedCount
      tickets {
        id
        version
      }
    }
  }
`);

export const PreviewLinkedTicketsUpdateQuery = graphql(
  `
    query PreviewLinkedTicketsUpdate($input: PreviewLinkedTicketsUpdateInput!) {
      previewLinkedTicketsUpdate(input: $input) {
        ...BulkOutcomeFields
      }
    }
  `,
  [BulkOutcomeFields],
);

export const NotifyLinkedTicketsMutation = graphql(`
  mutation NotifyLinkedTickets($input: NotifyLinkedTicketsInput!) {
    notifyLinkedTickets(input: $input) {
      changedCount
    }
  }
`);

export const MergeTicketsMutation = graphql(`
  mutation MergeTickets($input: MergeTicketsInput!) {
    mergeTickets(input: $input) {
      movedComments
      movedAttachments
      movedLinks
      movedWatchers
      target {
        id
        reference
      }
    }
  }
`);

export const MergeTargetQuery = graphql(`
  query MergeTarget($id: ID!) {
    ticket(id: $id) {
      id
      reference
      subject
      status
      version
      requester {
        id
        displayName
      }
    }
  }
`);

export const TicketMergedIntoQuery = graphql(`
  query TicketMergedInto($id: ID!) {
    ticket(id: $id) {
      id
      mergedInto {
        id
        reference
        subject
      }
    }
  }
`);
