import { registerEnumType } from "type-graphql";

/** Where an issue is in its life; the allowed moves between them live in issue.states.ts. */
export enum IssueStatus {
  TODO = "TODO",
  IN_PROGRESS = "IN_PROGRESS",
  IN_REVIEW = "IN_REVIEW",
  DONE = "DONE",
  CANCELED = "CANCELED",
}

export enum IssuePriority {
  LOW = "LOW",
  NORMAL = "NORMAL",
  HIGH = "HIGH",
  URGENT = "URGENT",
}

/** Stored beside the priority: ordering by the enum's text would put HIGH before LOW before NORMAL. */
export const ISSUE_PRIORITY_RANK: Record<IssuePriority, number> = {
  [IssuePriority.LOW]: 1,
  [IssuePriority.NORMAL]: 2,
  [IssuePriority.HIGH]: 3,
  [IssuePriority.URGENT]: 4,
};

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

registerEnumType(IssuePriority, {
  name: "IssuePriority",
  description: "How urgent an issue is; issues order by it from LOW to URGENT.",
  valuesConfig: {
    LOW: { description: "Can wait." },
    NORMAL: { description: "The default." },
    HIGH: { description: "Should be next." },
    URGENT: { description: "Drop other work for it." },
  },
});
