import { graphql } from "./graphql.ts";

/** Triage suggestions for a ticket being written (deflection) or read (agents). */
export const SuggestTicketTriageQuery = graphql(`
  query SuggestTicketTriage($subject: String!, $description: String!) {
    suggestTicketTriage(subject: $subject, description: $description) {
      category
      priority
      tags
      summary
      suggestedReply
      provider
      warning
      similar {
        id
        reference
        subject
        status
        resolution
      }
    }
  }
`);
