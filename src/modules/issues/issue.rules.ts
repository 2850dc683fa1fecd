import { allow, isStaff } from "../../graphql/rules.js";

/** Issues are staff-only: every way in is a staff-only root field (or Ticket.linkedIssues, ruled in links). */
export const issueRules = {
  Query: { issue: isStaff, issues: isStaff },
  Mutation: { createIssue: isStaff, updateIssue: isStaff, assignIssue: isStaff, transitionIssue: isStaff },
  Issue: { "*": allow }, // reachable only through staff-only fields
  IssueConnection: { "*": allow },
  IssueEdge: { "*": allow },
};
