// Who may do what with one issue. The services enforce these and the viewer hints
// (viewerCanEdit, viewerCanAssign, viewerCanComment, allowedTransitions) report them, so the two
// cannot disagree. Issues are staff-only: the rules keep everyone else out before these run.
import { isStaff, Role, type Viewer } from "../../core/identity.js";
import type { Project } from "../projects/project.entity.js";
import type { Issue } from "./issue.entity.js";
import type { IssueStatus } from "./issue.enums.js";
import { allowedTransitions, isClosedStatus, type IssueSituation } from "./issue.states.js";

/** Who may sign work off (IN_REVIEW, DONE): the assignee, the project's lead, or an admin. */
export function mayApprove(viewer: Viewer, issue: Issue, project: Project | null): boolean {
  return viewer.role === Role.ADMIN || issue.assignee?.id === viewer.userId || (project?.lead?.id ?? null) === viewer.userId;
}

/**
 * Who may change an issue's assignee: any staff member picks up an unassigned issue, but once it
 * has one, only those who may sign it off. Otherwise anyone could assign themselves and then
 * approve work that is not theirs, which would make `mayApprove` meaningless.
 */
export function mayReassign(viewer: Viewer, issue: Issue, project: Project | null): boolean {
  return issue.assignee === null || mayApprove(viewer, issue, project);
}

/** Staff edit and link any issue. */
export const canEdit = (viewer: Viewer | null): boolean => isStaff(viewer?.role);

/** Staff comment on any issue. */
export const canComment = (viewer: Viewer | null): boolean => isStaff(viewer?.role);

/** Whether the viewer may change the assignee now; `project` matters only once the issue has one. */
export const canAssign = (viewer: Viewer | null, issue: Issue, project: Project | null): boolean =>
  viewer !== null && isStaff(viewer.role) && mayReassign(viewer, issue, project);

/** What the state machine needs besides the issue, read by the transition's transaction or by loaders. */
export interface IssueSurroundings {
  project: Project | null;
  /** Sub-issues that are neither DONE nor CANCELED. */
  openSubIssues: number;
  parent: Issue | null;
}

/** The issue and its viewer as the state machine (issue.states.ts) judges them. */
export function situationFor(viewer: Viewer, issue: Issue, around: IssueSurroundings): IssueSituation {
  return {
    status: issue.status,
    hasAssignee: issue.assignee !== null,
    openSubIssues: around.openSubIssues,
    parentClosed: around.parent !== null && isClosedStatus(around.parent.status),
    viewerMayApprove: mayApprove(viewer, issue, around.project),
  };
}

/** The statuses the viewer could move the issue to now, by the rules transitionIssue applies. */
export function transitionsFor(viewer: Viewer | null, issue: Issue, around: IssueSurroundings): IssueStatus[] {
  if (!viewer || !isStaff(viewer.role)) return [];
  return allowedTransitions(situationFor(viewer, issue, around));
}
