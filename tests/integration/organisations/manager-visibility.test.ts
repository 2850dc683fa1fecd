import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { systemClock } from "../../../src/core/clock.js";
import { mailTo, waitForMail } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { download, png, uploadId } from "../attachments/attachment-helpers.js";
import { ADD_COMMENT, code, comment, ok, openTicket, TICKET_LIST, transition, type Ticket } from "../tickets/ticket-helpers.js";
import { addMember, createOrganisation, REMOVE_MEMBER } from "./organisation-helpers.js";

/**
 * What an organisation's manager sees: their members' tickets exactly as the requester does
 * (public comments and attachments, never internal notes), nothing of other organisations, and
 * nothing more once removed. Staff filter and count tickets by organisation.
 */
let t: TestServer;
type User = Awaited<ReturnType<TestServer["createUser"]>>;
let admin: string;
let agent: User;
let manager: User;
let colleague: User;
let member: User;
let stranger: User;
let acme: { id: string };
let globex: { id: string };
let colleagues: Ticket;
let members: Ticket;
let strangers: Ticket;
let attachmentUrl: string;

const VIEW = `query($id: ID!) { ticket(id: $id) { id subject viewerCanComment viewerCanEdit allowedTransitions organisation { id name }
  comments(first: 20) { nodes { body internal } } attachments { url } } }`;
const STAFF_VIEW = `query($id: ID!) { ticket(id: $id) { organisation { id name notes } } }`;
const list = async (token: string, filter?: Record<string, unknown>) =>
  ok(await t.gql(TICKET_LIST, { first: 50, filter }, token), "tickets").nodes.map((n: any) => n.id).sort();

beforeAll(async () => {
  t = await startTestServer();
  admin = await t.adminToken();
  [agent, manager, colleague, member, stranger] = await Promise.all([
    t.createUser("AGENT"),
    t.createUser("CUSTOMER", "Mia Manager"),
    t.createUser("CUSTOMER", "Carl Colleague"),
    t.createUser("CUSTOMER", "Max Member"),
    t.createUser("CUSTOMER", "Sue Stranger"),
  ]);
  acme = await createOrganisation(t, admin, { name: "Acme", notes: "Pays on time" });
  globex = await createOrganisation(t, admin, { name: "Globex" });
  await addMember(t, admin, acme.id, manager.id, "MANAGER");
  await addMember(t, admin, acme.id, colleague.id);
  await addMember(t, admin, acme.id, member.id);
  await addMember(t, admin, globex.id, stranger.id);
  const upload = await uploadId(t, colleague.token, png(4, 4), "screen.png");
  colleagues = await openTicket(t, colleague.token, { subject: "VPN drops every hour", priority: "URGENT", attachmentIds: [upload] });
  members = await openTicket(t, member.token, { subject: "Printer jam" });
  strangers = await openTicket(t, stranger.token, { subject: "Globex payroll", priority: "URGENT" });
  await comment(t, agent.token, colleagues.id, "Customer sounds upset, check the firewall.", true);
  await comment(t, agent.token, colleagues.id, "We are looking into it.");
  const seen = ok(await t.gql(VIEW, { id: colleagues.id }, colleague.token), "ticket");
  attachmentUrl = seen.attachments[0].url;
}, 120_000);
afterAll(() => t?.close());

describe("an organisation manager", () => {
  it("reads a member's ticket as its requester does: public comments and attachments, never internal notes", async () => {
    const seen = ok(await t.gql(VIEW, { id: colleagues.id }, manager.token), "ticket");
    expect(seen).toMatchObject({ subject: "VPN drops every hour", viewerCanComment: true, viewerCanEdit: false, allowedTransitions: [], organisation: { name: "Acme" } });
    expect(seen.comments.nodes).toEqual([{ body: "We are looking into it.", internal: false }]);
    expect((await download(t, manager.token, attachmentUrl)).status).toBe(200);
    expect(ok(await t.gql(VIEW, { id: `#${colleagues.number}` }, manager.token), "ticket").id).toBe(colleagues.id);
  });

  it("gets the desk's public replies on a member's ticket by mail, as the requester does", async () => {
    const toManager = await waitForMail(t, manager.email, "TICKET_REPLY");
    expect(toManager.text).toContain("We are looking into it.");
    expect(await mailTo(t, colleague.email, "TICKET_REPLY")).toHaveLength(1);
    expect(await mailTo(t, member.email, "TICKET_REPLY")).toHaveLength(0);
    expect(JSON.stringify(await mailTo(t, manager.email))).not.toContain("check the firewall");
  });

  it("replies publicly on a member's ticket, but writes no internal note and edits nothing", async () => {
    const reply = ok(await t.gql(ADD_COMMENT, { i: { subjectId: colleagues.id, body: "Carl is out today, I can help." } }, manager.token), "addComment");
    expect(reply).toMatchObject({ internal: false, viewerCanEdit: true, author: { id: manager.id } });
    expect(code(await t.gql(ADD_COMMENT, { i: { subjectId: colleagues.id, body: "psst", internal: true } }, manager.token))).toBe("FORBIDDEN");
    expect(code(await t.gql(`mutation($id: ID!) { updateTicket(id: $id, input: { subject: "Mine now" }) { id } }`, { id: colleagues.id }, manager.token))).toBe("FORBIDDEN");
    const asRequester = ok(await t.gql(VIEW, { id: colleagues.id }, colleague.token), "ticket");
    expect(asRequester.comments.nodes.map((c: any) => c.body)).toEqual(["We are looking into it.", "Carl is out today, I can help."]);
  });

  it("lists the organisation's tickets with the organisationIds filter; their own list stays their own", async () => {
    expect(await list(manager.token, { organisationIds: [acme.id] })).toEqual([colleagues.id, members.id].sort());
    expect(await list(manager.token, { organisationIds: [acme.id], search: "printer" })).toEqual([members.id]);
    expect(await list(manager.token)).toEqual([]);
  });

  it("sees nothing of another organisation, and plain members see only their own", async () => {
    expect(code(await t.gql(VIEW, { id: strangers.id }, manager.token))).toBe("NOT_FOUND");
    expect(await list(manager.token, { organisationIds: [globex.id] })).toEqual([]);
    expect((await download(t, stranger.token, attachmentUrl)).status).toBe(404);
    expect(code(await t.gql(VIEW, { id: colleagues.id }, member.token))).toBe("NOT_FOUND");
    expect(await list(member.token, { organisationIds: [acme.id] })).toEqual([]);
    expect(code(await t.gql(ADD_COMMENT, { i: { subjectId: colleagues.id, body: "me too" } }, member.token))).toBe("NOT_FOUND");
  });

  it("loses access the moment they leave the organisation", async () => {
    const { id: temp } = await createOrganisation(t, admin, { name: "Temp" });
    await addMember(t, admin, temp, manager.id, "MANAGER");
    await addMember(t, admin, temp, stranger.id);
    expect(ok(await t.gql(VIEW, { id: strangers.id }, manager.token), "ticket").id).toBe(strangers.id);
    ok(await t.gql(REMOVE_MEMBER, { o: temp, u: manager.id }, admin), "removeOrganisationMember");
    expect(code(await t.gql(VIEW, { id: strangers.id }, manager.token))).toBe("NOT_FOUND");
    expect(await list(manager.token, { organisationIds: [temp] })).toEqual([]);
  });
});

describe("staff", () => {
  it("see a ticket's organisation and filter the queue by organisation", async () => {
    expect(ok(await t.gql(STAFF_VIEW, { id: colleagues.id }, agent.token), "ticket").organisation).toEqual({ id: acme.id, name: "Acme", notes: "Pays on time" });
    expect(await list(agent.token, { organisationIds: [globex.id] })).toEqual([strangers.id]);
    expect(await list(agent.token, { organisationIds: [acme.id, globex.id] })).toEqual([colleagues.id, members.id, strangers.id].sort());
    expect((await t.gql(TICKET_LIST, { filter: { organisationIds: ["nope"] } }, agent.token)).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.organisationIds.0" });
  });

  it("count tickets by organisation: open, resolved, breached", async () => {
    await transition(t, agent.token, members.id, "IN_PROGRESS");
    await transition(t, agent.token, members.id, "RESOLVED");
    // 45 minutes on, Globex's URGENT ticket missed its 30 minutes to respond; Acme's was answered in time.
    t.server.services.clock = { now: () => new Date(Date.now() + 45 * 60_000) };
    onTestFinished(() => void (t.server.services.clock = systemClock));
    const stats = ok(await t.gql(`query($ids: [ID!]) { organisationStats(organisationIds: $ids) { organisationId open resolved breached total } }`, { ids: [acme.id, globex.id] }, agent.token), "organisationStats");
    expect(stats).toEqual([
      { organisationId: acme.id, open: 1, resolved: 1, breached: 0, total: 2 },
      { organisationId: globex.id, open: 1, resolved: 0, breached: 1, total: 1 },
    ]);
    const org = ok(await t.gql(`query($id: ID!) { organisation(id: $id) { ticketCounts { open resolved total } } }`, { id: acme.id }, agent.token), "organisation");
    expect(org.ticketCounts).toEqual({ open: 1, resolved: 1, total: 2 });
    expect(await list(agent.token, { organisationIds: [acme.id, globex.id], slaBreached: true })).toEqual([strangers.id]);
  });
});
