// Who may do what with a project. The rules let only staff reach projects, and only admins
// change them; the viewer hints (viewerCanEdit, viewerCanComment, viewerCanCreateIssues) report
// the same, so a client's buttons match what the server allows.
import { isStaff, Role, type Viewer } from "../../core/identity.js";
import type { Project } from "./project.entity.js";

/** Admins change, archive and unarchive projects. */
export const canEdit = (viewer: Viewer | null): boolean => viewer?.role === Role.ADMIN;

/** Staff comment on the issues of any project. */
export const canCommentOnIssues = (viewer: Viewer | null): boolean => isStaff(viewer?.role);

/** Staff create issues in a project until it is archived. */
export const canCreateIssues = (viewer: Viewer | null, project: Project): boolean => isStaff(viewer?.role) && !project.archived;
