import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createDesk, createIssue, createProject, ok, type Desk } from "../issues/desk-fixtures.js";

/**
 * One-line fields (a ticket's subject and category, an issue's title, a project's name) refuse
 * what display names refuse: line breaks, control characters and escape sequences, bidi
 * overrides and values of invisible characters only (src/core/text.ts).
 */
let t: TestServer;
let desk: Desk;
let ticketId: string;
let issueId: string;
let projectId: string;
let projectCount = 0;

beforeAll(async () => {
  t = await startTestServer();
  desk = await createDesk(t);
  ticketId = ok<{ id: string }>(await t.gql(CREATE_TICKET, { i: { subject: "Printer jammed", description: "Floor 3" } }, desk.customer.token), "createTicket").id;
  const project = await createProject(t, desk.admin.token, { key: "LINE" });
  projectId = project.id;
  issueId = (await createIssue(t, desk.agent.token, { projectId })).id;
});
afterAll(() => t?.close());

const BAD: [string, string][] = [
  ["a carriage return and line feed", "Help\r\nBcc: everyone@example.test"],
  ["a line feed", "first line\nsecond line"],
  ["an escape sequence", "\u001b[2J\u001b[31mcleared"],
  ["a control character (bell)", "ring\u0007"],
  ["a right-to-left override", "invoice\u202egpj.exe"],
  ["a first strong isolate", "a\u2068b\u2069"],
  ["only zero-width characters", "\u200b\u200c\u200d"],
  ["a zero-width space inside", "pay\u200bpal"],
];

describe("one-line fields", () => {
  it.each(BAD)("refuse a ticket subject with %s, on create and update", async (_what, value) => {
    const created = await t.gql(CREATE_TICKET, { i: { subject: value, description: "body" } }, desk.customer.token);
    expect(created.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.subject" });
    const updated = await t.gql(UPDATE_TICKET, { id: ticketId, i: { subject: value } }, desk.customer.token);
    expect(updated.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.subject" });
  });

  it.each(BAD)("refuse a ticket category with %s, on create and update", async (_what, value) => {
    const created = await t.gql(CREATE_TICKET, { i: { subject: "Fine", description: "body", category: value } }, desk.customer.token);
    expect(created.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.category" });
    const updated = await t.gql(UPDATE_TICKET, { id: ticketId, i: { category: value } }, desk.agent.token);
    expect(updated.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.category" });
  });

  it.each(BAD)("refuse an issue title with %s, on create and update", async (_what, value) => {
    const created = await t.gql(CREATE_ISSUE, { i: { projectId, title: value } }, desk.agent.token);
    expect(created.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.title" });
    const updated = await t.gql(UPDATE_ISSUE, { id: issueId, i: { title: value } }, desk.agent.token);
    expect(updated.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.title" });
  });

  it.each(BAD)("refuse a project name with %s, on create and update", async (_what, value) => {
    const created = await t.gql(CREATE_PROJECT, { i: { key: `BAD${"ABCDEFGH"[projectCount++]}`, name: value } }, desk.admin.token);
    expect(created.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.name" });
    const updated = await t.gql(UPDATE_PROJECT, { id: projectId, i: { name: value } }, desk.admin.token);
    expect(updated.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.name" });
  });

  it("says what is wrong and changes nothing", async () => {
    const res = await t.gql(UPDATE_TICKET, { id: ticketId, i: { subject: "Printer\u202e jammed" } }, desk.customer.token);
    expect(res.errors?.[0]?.message).toBe("The subject must be one line of visible text; this one contains a bidirectional override.");
    const read = await t.gql(`query($id: ID!) { ticket(id: $id) { subject category version } }`, { id: ticketId }, desk.customer.token);
    expect(read.data!.ticket).toEqual({ subject: "Printer jammed", category: null, version: 1 });
  });

  it("keep accepting ordinary text in any script, with emoji, trimmed", async () => {
    const ticket = ok(await t.gql(CREATE_TICKET, { i: { subject: "  Drucker 🖨️ kaputt — עברית, 中文 ", description: "body", category: "Hardware 👨‍💻" } }, desk.customer.token), "createTicket");
    expect(ticket).toMatchObject({ subject: "Drucker 🖨️ kaputt — עברית, 中文", category: "Hardware 👨‍💻" });
    const issue = ok(await t.gql(UPDATE_ISSUE, { id: issueId, i: { title: "Replace the toner 🧯" } }, desk.agent.token), "updateIssue");
    expect(issue.title).toBe("Replace the toner 🧯");
    const project = ok(await t.gql(UPDATE_PROJECT, { id: projectId, i: { name: "Réseau & 网络" } }, desk.admin.token), "updateProject");
    expect(project.name).toBe("Réseau & 网络");
  });
});

const CREATE_TICKET = `mutation($i: CreateTicketInput!) { createTicket(input: $i) { id subject category } }`;
const UPDATE_TICKET = `mutation($id: ID!, $i: UpdateTicketInput!) { updateTicket(id: $id, input: $i) { id subject category } }`;
const CREATE_ISSUE = `mutation($i: CreateIssueInput!) { createIssue(input: $i) { id title } }`;
const UPDATE_ISSUE = `mutation($id: ID!, $i: UpdateIssueInput!) { updateIssue(id: $id, input: $i) { id title } }`;
const CREATE_PROJECT = `mutation($i: CreateProjectInput!) { createProject(input: $i) { id name } }`;
const UPDATE_PROJECT = `mutation($id: ID!, $i: UpdateProjectInput!) { updateProject(id: $id, input: $i) { id name } }`;
