import { allow, isAdmin, isStaff } from "../../graphql/rules.js";

/** Projects are staff-only; only admins create, change and archive them. */
export const projectRules = {
  Query: { project: isStaff, projects: isStaff },
  Mutation: { createProject: isAdmin, updateProject: isAdmin, archiveProject: isAdmin, unarchiveProject: isAdmin },
  Project: { "*": allow }, // reachable only through the staff-only fields above and Issue.project
  ProjectConnection: { "*": allow },
  ProjectEdge: { "*": allow },
};
