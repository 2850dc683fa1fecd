import type { Viewer } from "../../graphql/context.js";
import type { Project } from "../projects/project.entity.js";
import { Role } from "../users/user.role.js";
import type { Issue } from "./issue.entity.js";

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
