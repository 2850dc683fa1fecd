import { and } from "graphql-shield";
import type { ShieldRule } from "../../graphql/rule-compiler.js";
import { isNotApiToken, requireScope } from "../../graphql/rules.js";
import { ApiScope } from "./api-scope.js";
import { issueCommentsNeedIssuesWrite } from "./comment-subject.rule.js";

/** "any": no scope needed (anonymous flows, identity); "session": not for API tokens; else the scopes needed (all of them). */
export type ScopeRequirement = "any" | "session" | ApiScope | ApiScope[];

const { TICKETS_READ, TICKETS_WRITE, ISSUES_READ, ISSUES_WRITE, ADMIN } = ApiScope;

/**
 * What an API token needs for each root field, applied centrally in schema.ts (shield.ts
 * `withRootFieldRequirements`) on top of each field's own rule. A field missing here is for
 * signed-in sessions only: a new root field stays closed to API tokens until classified here.
 */
export const ROOT_FIELD_SCOPES: Record<"Query" | "Mutation", Record<string, ScopeRequirement>> = {
  Query: {
    me: "any",
    rateLimit: "any",
    // tickets and comments
    ticket: TICKETS_READ,
    tickets: TICKETS_READ,
    // projects and issues
    project: ISSUES_READ,
    projects: ISSUES_READ,
    issue: ISSUES_READ,
    issues: ISSUES_READ,
    // administration
    users: ADMIN,
    user: ADMIN,
    auditEvents: ADMIN,
    outbox: ADMIN,
    securityStats: ADMIN,
    lockedAccounts: ADMIN,
    // the caller's own account: sessions only
    mySessions: "session",
    apiTokens: "session",
    notificationPreferences: "session",
  },
  Mutation: {
    // sign-in flows do not act as the caller, whatever credential comes along
    register: "any",
    login: "any",
    refreshToken: "any",
    verifyEmail: "any",
    requestPasswordReset: "any",
    resetPassword: "any",
    requestSignInLink: "any",
    signInWithLink: "any",
    // tickets and comments
    createTicket: TICKETS_WRITE,
    updateTicket: TICKETS_WRITE,
    assignTicket: TICKETS_WRITE,
    transitionTicket: TICKETS_WRITE,
    addComment: TICKETS_WRITE,
    editComment: TICKETS_WRITE,
    deleteComment: TICKETS_WRITE,
    // projects and issues
    createProject: ISSUES_WRITE,
    updateProject: ISSUES_WRITE,
    archiveProject: ISSUES_WRITE,
    unarchiveProject: ISSUES_WRITE,
    createIssue: ISSUES_WRITE,
    updateIssue: ISSUES_WRITE,
    assignIssue: ISSUES_WRITE,
    transitionIssue: ISSUES_WRITE,
    // a link changes both sides
    linkTicketToIssue: [TICKETS_WRITE, ISSUES_WRITE],
    unlinkTicketFromIssue: [TICKETS_WRITE, ISSUES_WRITE],
    // administration
    setUserRole: ADMIN,
    unlockUser: ADMIN,
    deactivateUser: ADMIN,
    // the caller's own account (logout, passwords, sessions, tokens, preferences): sessions only
    logout: "session",
    changePassword: "session",
    resendVerification: "session",
    revokeSession: "session",
    revokeOtherSessions: "session",
    createApiToken: "session",
    revokeApiToken: "session",
    updateNotificationPreferences: "session",
  },
};

/**
 * Fields below the root that cross from one area into another: a staff owner's ticket token
 * must not read issues through `Ticket.linkedIssues`, nor an issue token tickets.
 */
export const NESTED_FIELD_SCOPES: Record<string, ApiScope> = {
  "Ticket.linkedIssues": ISSUES_READ,
  "Issue.linkedTickets": TICKETS_READ,
};
export const NESTED_FIELD_SCOPE_PATHS = Object.keys(NESTED_FIELD_SCOPES);

/** Extra checks the table cannot express: which area a comment belongs to depends on its subject. */
const EXTRA_RULES: Record<string, ShieldRule> = {
  "Mutation.addComment": issueCommentsNeedIssuesWrite,
  "Mutation.editComment": issueCommentsNeedIssuesWrite,
  "Mutation.deleteComment": issueCommentsNeedIssuesWrite,
};

export function scopeRequirementOf(type: string, field: string): ScopeRequirement {
  return ROOT_FIELD_SCOPES[type as "Query" | "Mutation"]?.[field] ?? "session";
}

/** The extra rule for a field, for shield.ts `withRootFieldRequirements`; null for none. */
export function apiTokenRuleFor(type: string, field: string): ShieldRule | null {
  if (type !== "Query" && type !== "Mutation") {
    const nested = NESTED_FIELD_SCOPES[`${type}.${field}`];
    return nested ? requireScope(nested) : null;
  }
  const requirement = scopeRequirementOf(type, field);
  if (requirement === "any") return null;
  if (requirement === "session") return isNotApiToken;
  const scopes = (Array.isArray(requirement) ? requirement : [requirement]).map(requireScope);
  const extra = EXTRA_RULES[`${type}.${field}`];
  const rules: ShieldRule[] = extra ? [...scopes, extra] : scopes;
  return rules.length === 1 ? rules[0]! : and(...rules);
}
