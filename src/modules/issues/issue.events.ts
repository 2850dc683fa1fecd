import type { Priority } from "../../core/priority.js";
import type { Issue } from "./issue.entity.js";
import type { IssueStatus } from "./issue.enums.js";

/** A field's value before and after a change (a description's length rather than its text). */
export type IssueChanges = Partial<Record<"title" | "description" | "priority" | "parentId", { from: unknown; to: unknown }>>;

/**
 * The issues module's events. Issues are staff-only, so every one is STAFF, with refs.issueId
 * and refs.projectId; the payloads are what the audit trail shows as the event's details.
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** An issue was created (in TODO) with the project's next key. */
    "issue.created": { key: string; projectId: string; title: string; priority: Priority; parentId: string | null; assigneeId: string | null; attachmentIds?: string[] };
    /** An issue's title, description, priority or parent changed. */
    "issue.updated": { key: string; changes: IssueChanges };
    /** An issue's assignee changed (`to` null: nobody). */
    "issue.assigned": { key: string; from: string | null; to: string | null };
    /** An issue moved to another status; a cancel reason is kept as the comment `commentId`. */
    "issue.transitioned": { key: string; from: IssueStatus; to: IssueStatus; reason?: string; commentId?: string };
  }
}

/** The target, refs and visibility of every event about `issue`: issues are staff-only. */
export const issueEvent = (issue: Issue) =>
  ({ target: { type: "Issue", id: issue.id }, refs: { issueId: issue.id, projectId: issue.project.id }, visibility: "STAFF" }) as const;
