import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { comment, ok, openTicket } from "../tickets/ticket-helpers.js";
import { mailsTo, mention, WATCHERS } from "./support.js";

type User = { id: string; email: string; token: string };
let t: TestServer;
let author: User;
let mentioned: User;
let customer: User;

beforeAll(async () => {
  t = await startTestServer();
  author = await t.createUser("AGENT", "Ada Author");
  mentioned = await t.createUser("AGENT", "Max Mentioned");
  customer = await t.createUser("CUSTOMER", "Carla Customer");
});
afterAll(() => t?.close());

const mentionMails = async (user: User, subject: string) => (await mailsTo(t, user.email)).filter((m) => m.kind === "TICKET_MENTION" && m.subject.includes(subject));

describe("@mentions", () => {
  it("email the agent mentioned in an internal note once, and make them a watcher", async () => {
    const ticket = await openTicket(t, customer.token, { subject: "Mentioned once" });
    await comment(t, author.token, ticket.id, `${mention(mentioned, "Max Mentioned")} can you look? Thanks ${mention(mentioned, "Max")}`, true);
    const mails = await mentionMails(mentioned, "Mentioned once");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`[#${ticket.number}] Ada Author mentioned you: Mentioned once`);
    expect(mails[0]!.text).toContain("mentioned you in an internal note");
    expect(mails[0]!.text).toContain("@Max Mentioned can you look?");
    expect(mails[0]!.messageId).toBeNull(); // an internal note starts no thread a reply could turn public
    expect(mails[0]!.text).toContain("You now watch this ticket.");
    const view = ok(await t.gql(WATCHERS, { id: ticket.id }, author.token), "ticket");
    expect(view.watchers.map((w: { id: string }) => w.id)).toEqual([mentioned.id]);

    // A later note reaches them as a watcher; mentioning them again mails the mention alone.
    await comment(t, author.token, ticket.id, `Update for ${mention(mentioned)}`, true);
    expect(await mentionMails(mentioned, "Mentioned once")).toHaveLength(2);
    expect((await mailsTo(t, mentioned.email)).filter((m) => m.kind === "TICKET_WATCHED_UPDATE")).toHaveLength(0);
  });

  it("do nothing for customers mentioned, for customers' mentions, or for the author themselves", async () => {
    const ticket = await openTicket(t, customer.token, { subject: "Nobody mentioned" });
    await comment(t, author.token, ticket.id, `${mention(customer)} ${mention(author)} note`, true);
    await comment(t, customer.token, ticket.id, `Hey ${mention(mentioned)} please answer`);
    expect(await mentionMails(customer, "Nobody mentioned")).toEqual([]);
    expect(await mentionMails(author, "Nobody mentioned")).toEqual([]);
    expect(await mentionMails(mentioned, "Nobody mentioned")).toEqual([]);
    expect(ok(await t.gql(WATCHERS, { id: ticket.id }, author.token), "ticket").watchers).toEqual([]);
  });

  it("do nothing for deactivated agents and respect the mentions setting", async () => {
    const quiet = await t.createUser("AGENT", "Quiet Agent");
    ok(await t.gql(`mutation { updateNotificationPreferences(input: { mentions: false }) { mentions } }`, {}, quiet.token), "updateNotificationPreferences");
    const gone = await t.createUser("AGENT", "Gone Agent");
    ok(await t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, { id: gone.id }, await t.adminToken()), "deactivateUser");
    const ticket = await openTicket(t, customer.token, { subject: "Quiet ones" });
    await comment(t, author.token, ticket.id, `${mention(quiet)} ${mention(gone)}`, true);
    expect(await mentionMails(quiet, "Quiet ones")).toEqual([]);
    expect(await mentionMails(gone, "Quiet ones")).toEqual([]);
    // Still a watcher: the setting is about the email only.
    expect(ok(await t.gql(WATCHERS, { id: ticket.id }, author.token), "ticket").watchers.map((w: { id: string }) => w.id)).toEqual([quiet.id]);
  });
});
