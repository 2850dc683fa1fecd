import { ApiScope } from "../../core/identity.js";
import { idempotent, rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAdmin, isStaff } from "../../graphql/rules.js";

const read = rootField({ rule: isStaff, scope: ApiScope.ISSUES_READ });
const write = rootField({ rule: isAdmin, scope: ApiScope.ISSUES_WRITE });

/** Projects are staff-only; only admins create, change and archive them. */
export const projectRules: ModuleRules = {
  Query: { project: read, projects: read },
  Mutation: { createProject: idempotent(write), updateProject: write, archiveProject: write, unarchiveProject: write },
  Project: { "*": allow }, // reachable only through the staff-only fields above and Issue.project
  ProjectConnection: { "*": allow },
  ProjectEdge: { "*": allow },
};
