import { ApiScope } from "../../core/identity.js";
import { idempotent, rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isStaff } from "../../graphql/rules.js";

const read = rootField({ rule: isStaff, scope: ApiScope.ISSUES_READ });
const write = rootField({ rule: isStaff, scope: ApiScope.ISSUES_WRITE });

/** Issues are staff-only: every way in is a staff-only root field (or Ticket.linkedIssues, ruled in links). */
export const issueRules: ModuleRules = {
  Query: { issue: read, issues: read },
  Mutation: { createIssue: idempotent(write), updateIssue: write, assignIssue: write, transitionIssue: write },
  Issue: { "*": allow }, // reachable only through staff-only fields
  IssueConnection: { "*": allow },
  IssueEdge: { "*": allow },
  IssueStatusCount: { "*": allow }, // reachable only through Project, itself staff-only
};
