import { registerEnumType } from "type-graphql";

/** Where an issue is in its life; the allowed moves between them live in issue.states.ts. */
export enum IssueStatus {
  TODO = "TODO",
  IN_PROGRESS = "IN_PROGRESS",
  IN_REVIEW = "IN_REVIEW",
  DONE = "DONE",
  CANCELED = "CANCELED",
}

registerEnumType(IssueStatus, {
  name: "IssueStatus",
  description: "Where an issue is in its life.",
  valuesConfig: {
    TODO: { description: "Planned; nobody works on it yet." },
    IN_PROGRESS: { description: "Its assignee works on it." },
    IN_REVIEW: { description: "Done by its assignee, waiting for review." },
    DONE: { description: "Finished; may be reopened (back to TODO)." },
    CANCELED: { description: "Will not be done; the reason is kept as a comment. Final." },
  },
});

