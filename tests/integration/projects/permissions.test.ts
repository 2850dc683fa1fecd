import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createDesk, createIssue, createProject, ok, type Desk } from "../issues/desk-fixtures.js";

/**
 * Every project, issue and link root field and mutation (and Ticket.linkedIssues) against every
 * role: allowed calls succeed, denied ones answer UNAUTHENTICATED or FORBIDDEN and change nothing.
 */
type Role = "anonymous" | "customer" | "agent" | "admin";
const ROLES: Role[] = ["anonymous", "customer", "agent", "admin"];

let t: TestServer;
let desk: Desk;
let project: { id: string };
let ticketId: string;
let keySeq = 0;

const tokenOf = (role: Role): string | null => (role === "anonymous" ? null : desk[role].token);
/** A fresh project key: two capitals per call (AA, AB, ...). */
const nextKey = () => `P${String.fromCharCode(65 + Math.floor(keySeq / 26))}${String.fromCharCode(65 + (keySeq++ % 26))}`;

interface Operation {
  name: string;
  allowed: Role[];
  /** Builds the call (fresh fixtures per call); returns the document, variables and the data field. */
  prepare(): Promise<{ query: string; variables: Record<string, unknown>; field: string }>;
}

const freshIssue = () => createIssue(t, desk.admin.token, { projectId: project.id, assigneeId: desk.agent.id });
const staff: Role[] = ["agent", "admin"];
const admins: Role[] = ["admin"];

const OPERATIONS: Operation[] = [
  { name: "Query.projects", allowed: staff, prepare: async () => ({ query: `{ projects { totalCount } }`, variables: {}, field: "projects" }) },
  { name: "Query.project", allowed: staff, prepare: async () => ({ query: `query($id: ID) { project(id: $id) { id } }`, variables: { id: project.id }, field: "project" }) },
  { name: "Query.issues", allowed: staff, prepare: async () => ({ query: `{ issues { totalCount } }`, variables: {}, field: "issues" }) },
  {
    name: "Query.issue",
    allowed: staff,
    prepare: async () => ({ query: `query($id: ID) { issue(id: $id) { id } }`, variables: { id: (await freshIssue()).id }, field: "issue" }),
  },
  {
    name: "Mutation.createProject",
    allowed: admins,
    prepare: async () => ({ query: `mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }`, variables: { i: { key: nextKey(), name: "Perm" } }, field: "createProject" }),
  },
  {
    name: "Mutation.updateProject",
    allowed: admins,
    prepare: async () => ({ query: `mutation($id: ID!) { updateProject(id: $id, input: { name: "Renamed" }) { id } }`, variables: { id: project.id }, field: "updateProject" }),
  },
  {
    name: "Mutation.archiveProject",
    allowed: admins,
    prepare: async () => ({
      query: `mutation($id: ID!) { archiveProject(id: $id) { id } }`,
      variables: { id: (await createProject(t, desk.admin.token, { key: nextKey() })).id },
      field: "archiveProject",
    }),
  },
  {
    name: "Mutation.unarchiveProject",
    allowed: admins,
    prepare: async () => {
      const p = await createProject(t, desk.admin.token, { key: nextKey() });
      ok(await t.gql(`mutation($id: ID!) { archiveProject(id: $id) { id } }`, { id: p.id }, desk.admin.token), "archiveProject");
      return { query: `mutation($id: ID!) { unarchiveProject(id: $id) { id } }`, variables: { id: p.id }, field: "unarchiveProject" };
    },
  },
  {
    name: "Mutation.createIssue",
    allowed: staff,
    prepare: async () => ({ query: `mutation($i: CreateIssueInput!) { createIssue(input: $i) { id } }`, variables: { i: { projectId: project.id, title: "Perm" } }, field: "createIssue" }),
  },
  {
    name: "Mutation.updateIssue",
    allowed: staff,
    prepare: async () => ({ query: `mutation($id: ID!) { updateIssue(id: $id, input: { title: "Changed" }) { id } }`, variables: { id: (await freshIssue()).id }, field: "updateIssue" }),
  },
  {
    name: "Mutation.assignIssue",
    allowed: staff,
    prepare: async () => ({ query: `mutation($id: ID!, $a: ID) { assignIssue(id: $id, assigneeId: $a) { id } }`, variables: { id: (await freshIssue()).id, a: desk.otherAgent.id }, field: "assignIssue" }),
  },
  {
    name: "Mutation.transitionIssue",
    allowed: staff,
    prepare: async () => ({ query: `mutation($id: ID!) { transitionIssue(id: $id, to: IN_PROGRESS) { id } }`, variables: { id: (await freshIssue()).id }, field: "transitionIssue" }),
  },
  {
    name: "Mutation.linkTicketToIssue",
    allowed: staff,
    prepare: async () => ({ query: `mutation($t: ID!, $i: ID!) { linkTicketToIssue(ticketId: $t, issueId: $i) { changed } }`, variables: { t: ticketId, i: (await freshIssue()).id }, field: "linkTicketToIssue" }),
  },
  {
    name: "Mutation.unlinkTicketFromIssue",
    allowed: staff,
    prepare: async () => {
      const issue = await freshIssue();
      ok(await t.gql(`mutation($t: ID!, $i: ID!) { linkTicketToIssue(ticketId: $t, issueId: $i) { changed } }`, { t: ticketId, i: issue.id }, desk.admin.token), "linkTicketToIssue");
      return { query: `mutation($t: ID!, $i: ID!) { unlinkTicketFromIssue(ticketId: $t, issueId: $i) { changed } }`, variables: { t: ticketId, i: issue.id }, field: "unlinkTicketFromIssue" };
    },
  },
];

beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
  project = await createProject(t, desk.admin.token, { key: "PERM" });
  const ticket = await t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`, { i: { subject: "Mine", description: "Customer's own ticket" } }, desk.customer.token);
  ticketId = ok<{ id: string }>(ticket, "createTicket").id;
});
afterAll(() => t?.close());

describe("who may call what", () => {
  for (const op of OPERATIONS) {
    for (const role of ROLES) {
      const allowed = op.allowed.includes(role);
      it(`${op.name}: ${role} ${allowed ? "may" : "may not"}`, async () => {
        const { query, variables, field } = await op.prepare();
        const res = await t.gql(query, variables, tokenOf(role));
        if (allowed) {
          expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
          expect(res.data![field]).not.toBeNull();
        } else {
          expect(res.errors?.[0]?.extensions?.code).toBe(role === "anonymous" ? "UNAUTHENTICATED" : "FORBIDDEN");
          expect(res.data?.[field] ?? null).toBeNull();
        }
      });
    }
  }

  it("shows Ticket.linkedIssues to staff and never to the ticket's own customer", async () => {
    const query = `query($id: ID!) { ticket(id: $id) { id linkedIssues { id } } }`;
    for (const role of staff) expect((await t.gql(query, { id: ticketId }, tokenOf(role))).errors).toBeUndefined();
    const res = await t.gql(query, { id: ticketId }, desk.customer.token);
    expect(res.errors?.[0]).toMatchObject({ path: ["ticket", "linkedIssues"], extensions: { code: "FORBIDDEN" } });
  });

  it("left nothing behind from the denied mutations", async () => {
    const res = await t.gql(`{ projects(first: 100) { nodes { key name } } }`, {}, desk.admin.token);
    // Only the admin's calls created projects, and only the admin's rename stuck.
    expect(res.data!.projects.nodes.find((p: { key: string }) => p.key === "PERM").name).toBe("Renamed");
    const created = res.data!.projects.nodes.filter((p: { name: string }) => p.name === "Perm");
    expect(created).toHaveLength(1);
  });
});
