import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAY } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";

/**
 * Every scope against operations it allows and operations it does not. The owner is an admin,
 * so whatever is refused is refused by the token's scopes, never by the owner's role.
 */
type Scope = "TICKETS_READ" | "TICKETS_WRITE" | "ISSUES_READ" | "ISSUES_WRITE" | "ADMIN";

let t: TestServer;
let admin: { id: string; token: string };
let customer: { id: string; token: string; email: string };
let fixture: { ticketId: string; projectId: string; issueId: string; linkedIssueId: string };
const tokens = new Map<string, string>();
let counter = 0;

async function apiToken(scopes: Scope[], owner = admin): Promise<string> {
  const key = `${owner.id}:${scopes.join(",")}`;
  if (!tokens.has(key)) {
    const res = await t.gql(CREATE, { i: { name: `scopes ${key}`, scopes, expiresAt: new Date(Date.now() + 30 * DAY).toISOString() } }, owner.token);
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    tokens.set(key, res.data.createApiToken.token);
  }
  return tokens.get(key)!;
}

/** One operation per area, as an integrator would send it. */
const OPERATIONS: Record<string, { needs: Scope | Scope[] | "any"; run: (token: string) => Promise<{ errors?: { extensions?: Record<string, any>; message: string }[] }> }> = {
  "read tickets": { needs: "TICKETS_READ", run: (tk) => t.gql(`{ tickets(first: 1) { totalCount } }`, {}, tk) },
  "read a ticket": { needs: "TICKETS_READ", run: (tk) => t.gql(`query($id: ID!) { ticket(id: $id) { id } }`, { id: fixture.ticketId }, tk) },
  "open a ticket": {
    needs: "TICKETS_WRITE",
    run: (tk) => t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`, { i: { subject: `Printer ${++counter}`, description: "It jams.", requesterId: customer.id } }, tk),
  },
  "comment on a ticket": {
    needs: "TICKETS_WRITE",
    run: (tk) => t.gql(`mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`, { i: { subjectId: fixture.ticketId, body: "On it.", internal: true } }, tk),
  },
  "export tickets as CSV": {
    needs: "TICKETS_READ",
    run: async (tk) => {
      const res = await t.http<{ errors: { message: string; extensions: { code: string } }[] }>("/export/tickets.csv", { headers: { authorization: `Bearer ${tk}` } });
      return res.status === 200 ? {} : res.body;
    },
  },
  "read a ticket's linked issues": {
    needs: ["TICKETS_READ", "ISSUES_READ"],
    run: (tk) => t.gql(`query($id: ID!) { ticket(id: $id) { linkedIssues { id } } }`, { id: fixture.ticketId }, tk),
  },
  "comment on an issue": {
    needs: ["TICKETS_WRITE", "ISSUES_WRITE"],
    run: (tk) => t.gql(`mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`, { i: { subjectId: fixture.issueId, body: "Root cause found." } }, tk),
  },
  "read projects": { needs: "ISSUES_READ", run: (tk) => t.gql(`{ projects(first: 1) { totalCount } }`, {}, tk) },
  "read issues": { needs: "ISSUES_READ", run: (tk) => t.gql(`{ issues(first: 1) { totalCount } }`, {}, tk) },
  "create an issue": {
    needs: "ISSUES_WRITE",
    run: (tk) => t.gql(`mutation($i: CreateIssueInput!) { createIssue(input: $i) { id } }`, { i: { projectId: fixture.projectId, title: `Fix ${++counter}` } }, tk),
  },
  "link a ticket to an issue": {
    needs: ["TICKETS_WRITE", "ISSUES_WRITE"],
    run: (tk) => t.gql(`mutation($t: ID!, $i: ID!) { linkTicketToIssue(ticketId: $t, issueId: $i) { __typename } }`, { t: fixture.ticketId, i: fixture.issueId }, tk),
  },
  "read a requester's sign-in record": {
    needs: ["TICKETS_READ", "ADMIN"],
    run: (tk) => t.gql(`query($id: ID!) { ticket(id: $id) { requester { ${SIGN_IN_RECORD} } } }`, { id: fixture.ticketId }, tk),
  },
  "read a linked ticket's requester's sign-in record through an issue": {
    needs: ["ISSUES_READ", "TICKETS_READ", "ADMIN"],
    run: (tk) => t.gql(`query($id: ID!) { issue(id: $id) { linkedTickets { requester { ${SIGN_IN_RECORD} } } } }`, { id: fixture.linkedIssueId }, tk),
  },
  "list users": { needs: "ADMIN", run: (tk) => t.gql(`{ users(first: 1) { totalCount } }`, {}, tk) },
  "read the audit trail": { needs: "ADMIN", run: (tk) => t.gql(`{ auditEvents(first: 1) { totalCount } }`, {}, tk) },
  "read the outbox": { needs: "ADMIN", run: (tk) => t.gql(`{ outbox(first: 1) { totalCount } }`, {}, tk) },
  "read the security dashboard": { needs: "ADMIN", run: (tk) => t.gql(`{ securityStats { failedLogins } lockedAccounts(first: 1) { totalCount } }`, {}, tk) },
  "unlock a user": { needs: "ADMIN", run: (tk) => t.gql(`mutation($id: ID!) { unlockUser(userId: $id) { id } }`, { id: customer.id }, tk) },
  "read who I am": { needs: "any", run: (tk) => t.gql(`{ me { id } }`, {}, tk) },
  "read my rate limit": { needs: "any", run: (tk) => t.gql(`{ rateLimit { remaining } }`, {}, tk) },
};

const IMPLIED: Record<Scope, Scope[]> = {
  TICKETS_READ: ["TICKETS_READ"],
  TICKETS_WRITE: ["TICKETS_WRITE", "TICKETS_READ"],
  ISSUES_READ: ["ISSUES_READ"],
  ISSUES_WRITE: ["ISSUES_WRITE", "ISSUES_READ"],
  ADMIN: ["ADMIN"],
};
const allows = (granted: Scope[], needs: Scope | Scope[] | "any") =>
  needs === "any" || (Array.isArray(needs) ? needs : [needs]).every((n) => granted.some((g) => IMPLIED[g].includes(n)));

beforeAll(async () => {
  t = await startTestServer();
  admin = await t.createUser("ADMIN");
  customer = await t.createUser("CUSTOMER");
  const ticket = await t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`, { i: { subject: "VPN down", description: "Since this morning." } }, customer.token);
  const project = await t.gql(`mutation { createProject(input: { key: "SCOPE", name: "Scopes" }) { id } }`, {}, admin.token);
  const issue = await t.gql(`mutation($i: CreateIssueInput!) { createIssue(input: $i) { id } }`, { i: { projectId: project.data!.createProject.id, title: "VPN gateway" } }, admin.token);
  const linked = await t.gql(`mutation($i: CreateIssueInput!) { createIssue(input: $i) { id } }`, { i: { projectId: project.data!.createProject.id, title: "Already linked" } }, admin.token);
  fixture = { ticketId: ticket.data!.createTicket.id, projectId: project.data!.createProject.id, issueId: issue.data!.createIssue.id, linkedIssueId: linked.data!.createIssue.id };
  await t.gql(`mutation($t: ID!, $i: ID!) { linkTicketToIssue(ticketId: $t, issueId: $i) { __typename } }`, { t: fixture.ticketId, i: fixture.linkedIssueId }, admin.token);
});
afterAll(() => t?.close());

const SINGLE_SCOPES: Scope[][] = [["TICKETS_READ"], ["TICKETS_WRITE"], ["ISSUES_READ"], ["ISSUES_WRITE"], ["ADMIN"], ["TICKETS_WRITE", "ISSUES_WRITE"]];

describe.each(SINGLE_SCOPES)("a token with %s", (...scopes: Scope[]) => {
  for (const [name, op] of Object.entries(OPERATIONS)) {
    const expected = allows(scopes, op.needs);
    it(`${expected ? "may" : "may not"} ${name}`, async () => {
      const res = await op.run(await apiToken(scopes));
      if (expected) {
        expect(res.errors).toBeUndefined();
      } else {
        expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
        expect(res.errors?.[0]?.message).toMatch(/This API token lacks the "(tickets:read|tickets:write|issues:read|issues:write|admin)" scope/);
      }
    });
  }
});

describe("scopes narrow the owner's role and never widen it", () => {
  it("a customer's ticket token sees only the customer's tickets and cannot do staff work", async () => {
    const token = await apiToken(["TICKETS_WRITE"], customer);
    const count = async (bearer: string) => (await t.gql(`{ tickets(first: 1) { totalCount } }`, {}, bearer)).data!.tickets.totalCount as number;
    await t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`, { i: { subject: "Someone else's", description: "Not the customer's." } }, admin.token);
    expect(await count(token)).toBe(await count(customer.token));
    expect(await count(token)).toBeLessThan(await count(admin.token));
    const staffOnly = await t.gql(`mutation($t: ID!) { assignTicket(id: $t, assigneeId: null) { id } }`, { t: fixture.ticketId }, token);
    expect(staffOnly.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(staffOnly.errors?.[0]?.message).toMatch(/agents and admins/i);
  });

  it("an admin's tickets:read token reads requesters' emails but not their sign-in records, and still its own", async () => {
    const token = await apiToken(["TICKETS_READ"]);
    for (const field of SIGN_IN_RECORD.split(" ")) {
      const res = await t.gql(`query($id: ID!) { ticket(id: $id) { id requester { id ${field} } } }`, { id: fixture.ticketId }, token);
      expect(res.errors?.[0]).toMatchObject({ path: ["ticket", "requester", field], message: 'This API token lacks the "admin" scope.', extensions: { code: "FORBIDDEN" } });
      expect(res.data?.ticket?.requester?.[field] ?? null).toBeNull();
    }
    const email = await t.gql(`query($id: ID!) { ticket(id: $id) { requester { email } } }`, { id: fixture.ticketId }, token);
    expect(email.errors).toBeUndefined();
    expect(email.data!.ticket.requester.email).toBe(customer.email);
    const own = await t.gql(`{ me { lastLoginAt lockedUntil locked } }`, {}, token);
    expect(own.errors).toBeUndefined();
    expect(own.data!.me.locked).toBe(false);
  });

  it("a JWT session is limited by its role alone", async () => {
    for (const op of Object.values(OPERATIONS)) expect((await op.run(admin.token)).errors).toBeUndefined();
  });
});

const CREATE = `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`;
/** Another user's sign-in record: admin-only fields of User (user.rules.ts). */
const SIGN_IN_RECORD = `failedLoginCount lockedUntil lastLoginAt locked`;
