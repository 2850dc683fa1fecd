import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDovecot, type Dovecot } from "../../support/dovecot.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { eventually } from "../replicas/support.js";
import { handled, inbound, message, TICKET } from "./intake-support.js";

/**
 * Email intake against a real Dovecot (IMAP, IDLE) and the inbound SMTP listener: mails become
 * tickets and comments, auto-replies and bounces are ignored, failures are listed and retried.
 */
let dovecot: Dovecot;
let t: TestServer;
let smtpPort: number;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  dovecot = await startDovecot();
  smtpPort = await freePort();
  t = await startTestServer({
    env: {
      INTAKE_IMAP_URL: dovecot.url,
      // Longer than any test waits: new mail must arrive through IDLE.
      INTAKE_POLL_SECONDS: "600",
      INTAKE_SMTP_PORT: String(smtpPort),
      PUBLIC_URL: "https://desk.deskql.test",
      ATTACHMENT_MAX_BYTES: String(25 * 1024 * 1024),
      // The tests poll the admin list while the mailbox is read.
      RATE_LIMIT_POINTS_PER_HOUR: "1000000",
    },
  });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await dovecot?.stop();
});

const ticketOf = async (id: string) => {
  const res = await t.gql(TICKET, { id }, await t.adminToken());
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.ticket;
};

describe("email intake over IMAP", () => {
  let ticketId: string;
  let customer: string;

  it("opens a ticket for a new message from an unknown sender, as a new unverified customer, keeping the .eml", async () => {
    customer = `new.${randomBytes(3).toString("hex")}@customer.example`;
    const mail = message({ from: `Nora New <${customer}>`, subject: "Printer is on fire", body: "It smokes.\n\nNora\n-- \nNora's signature" });
    await dovecot.deliver(mail.raw);
    const row = await handled(t, mail.id);
    expect(row).toMatchObject({ status: "PROCESSED", sender: customer });
    ticketId = row.ticketId!;
    const ticket = await ticketOf(ticketId);
    expect(ticket).toMatchObject({ subject: "Printer is on fire", source: "EMAIL", requester: { email: customer } });
    expect(ticket.description).toContain("It smokes.");
    expect(ticket.attachments.map((a: { fileName: string }) => a.fileName)).toEqual(["message.eml"]);
    const users = await t.gql(`query($q: String) { users(first: 5, filter: { search: $q }) { nodes { email role emailVerified } } }`, { q: customer }, await t.adminToken());
    expect(users.data!.users.nodes).toEqual([{ email: customer, role: "CUSTOMER", emailVerified: false }]);
    // Flagged \Seen only after the ticket was committed.
    await eventually("message flagged seen", async () => (await dovecot.flags()).unseen.length === 0, 10_000);
  });

  it("turns a reply naming our notification's Message-ID into a comment, without the quoted history", async () => {
    const agent = await t.createUser("AGENT", "Agent Smith");
    const reply = await t.gql(`mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`, { i: { subjectId: ticketId, body: "Please unplug it." } }, agent.token);
    expect(reply.errors).toBeUndefined();
    let notification: { messageId: string | null; text: string } | undefined;
    await eventually(
      "the agent's reply was mailed",
      async () => {
        const res = await t.gql(`query($to: String) { outbox(first: 5, filter: { to: $to, kind: "TICKET_REPLY" }) { nodes { messageId text } } }`, { to: customer }, await t.adminToken());
        notification = res.data?.outbox.nodes[0];
        return !!notification;
      },
      10_000,
    );
    expect(notification!.messageId).toMatch(new RegExp(`^<ticket-${ticketId}\\.[0-9a-f-]{36}@desk\\.deskql\\.test>$`));
    expect(notification!.text).toContain("Reply above this line");

    const mail = message({
      from: customer,
      subject: "Re: your ticket",
      headers: { "In-Reply-To": notification!.messageId!, References: notification!.messageId! },
      body: `Done, it stopped.\n\nOn Mon, 7 Dec 2026 at 10:00, DeskQL <desk@deskql.test> wrote:\n> ##- Reply above this line to answer by email -##\n> Please unplug it.`,
    });
    await dovecot.deliver(mail.raw);
    const row = await handled(t, mail.id);
    expect(row).toMatchObject({ status: "PROCESSED", ticketId });
    const ticket = await ticketOf(ticketId);
    const comment = ticket.comments.nodes.find((c: { id: string }) => c.id === row.commentId);
    expect(comment).toMatchObject({ body: "Done, it stopped.", source: "EMAIL" });
    expect(comment.attachments.map((a: { fileName: string }) => a.fileName)).toEqual(["message.eml"]);
    expect(ticket.comments.nodes.find((c: { body: string }) => c.body === "Please unplug it.").source).toBe("WEB");
  });

  it("turns a reply with the [#number] reference in its subject into a comment; HTML-only mail becomes Markdown", async () => {
    const { number } = await ticketOf(ticketId);
    const html = `<html><head><style>p{}</style></head><body><p>It is <b>fine</b> now, see <a href="https://example.com/x">the log</a>.</p><script>alert(1)</script><blockquote>old text</blockquote></body></html>`;
    const mail = message({ from: customer, subject: `Re: [#${number}] Printer is on fire`, headers: { "Content-Type": "text/html; charset=utf-8" }, body: html });
    await dovecot.deliver(mail.raw);
    const row = await handled(t, mail.id);
    expect(row).toMatchObject({ status: "PROCESSED", ticketId });
    const comment = (await ticketOf(ticketId)).comments.nodes.find((c: { id: string }) => c.id === row.commentId);
    expect(comment.body).toBe("It is **fine** now, see [the log](https://example.com/x).");
  });

  it("ignores an auto-reply and a bounce: no ticket, no comment", async () => {
    const { number } = await ticketOf(ticketId);
    const before = (await ticketOf(ticketId)).comments.nodes.length;
    const autoReply = message({ from: customer, subject: `Out of office: [#${number}]`, headers: { "Auto-Submitted": "auto-replied" }, body: "I am away." });
    const bounce = message({ from: "MAILER-DAEMON@mx.customer.example", subject: "Undelivered Mail Returned to Sender", headers: { "Return-Path": "<>" }, body: "Delivery failed." });
    await dovecot.deliver(autoReply.raw);
    await dovecot.deliver(bounce.raw);
    expect(await handled(t, autoReply.id)).toMatchObject({ status: "IGNORED", ticketId: null, commentId: null });
    expect((await handled(t, bounce.id)).status).toBe("IGNORED");
    expect((await ticketOf(ticketId)).comments.nodes).toHaveLength(before);
  });

  it("holds a reply from someone who is not on the ticket for an agent", async () => {
    const { number } = await ticketOf(ticketId);
    const mail = message({ from: "stranger@elsewhere.example", subject: `Re: [#${number}]`, body: "Me too!" });
    await dovecot.deliver(mail.raw);
    expect(await handled(t, mail.id)).toMatchObject({ status: "HELD", commentId: null });
    expect((await inbound(t, "HELD")).map((r) => r.messageKey)).toContain(mail.id);
  });

  it("lists a message that cannot be processed with its reason, and retries it", async () => {
    const malformed = message({ from: "", subject: "no sender", body: "Who am I?" });
    await dovecot.deliver(malformed.raw);
    const failed = await handled(t, malformed.id);
    expect(failed).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(failed.reason).toMatch(/sender/);
    expect((await inbound(t, "FAILED")).map((r) => r.id)).toContain(failed.id);
    const RETRY = `mutation($id: ID!) { retryInboundMail(id: $id) { id status reason attempts } }`;
    const again = await t.gql(RETRY, { id: failed.id }, await t.adminToken());
    expect(again.data!.retryInboundMail).toMatchObject({ status: "FAILED", attempts: 2 });

    // A failure whose cause an admin can remove: a deactivated sender, reactivated.
    const user = await t.createUser("CUSTOMER", "Dora Deactivated");
    const admin = await t.adminToken();
    expect((await t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, { id: user.id }, admin)).errors).toBeUndefined();
    const mail = message({ from: user.email, subject: "Let me back in", body: "Please." });
    await dovecot.deliver(mail.raw);
    const stuck = await handled(t, mail.id);
    expect(stuck).toMatchObject({ status: "FAILED" });
    expect(stuck.reason).toMatch(/deactivated/);
    expect((await t.gql(`mutation($id: ID!) { reactivateUser(userId: $id) { id } }`, { id: user.id }, admin)).errors).toBeUndefined();
    const retried = await t.gql(RETRY, { id: stuck.id }, admin);
    expect(retried.data!.retryInboundMail).toMatchObject({ status: "PROCESSED", attempts: 2 });
    const row = await handled(t, mail.id);
    expect((await ticketOf(row.ticketId!)).subject).toBe("Let me back in");
    // Audited, with who retried and what became of it.
    const audit = await t.gql(`query($id: ID) { auditEvents(first: 5, filter: { actions: [INBOUND_MAIL_RETRIED], targetId: $id }) { nodes { action details } } }`, { id: stuck.id }, admin);
    expect(audit.errors).toBeUndefined();
    expect(audit.data!.auditEvents.nodes).toHaveLength(1);
    expect(audit.data!.auditEvents.nodes[0].details).toMatchObject({ status: "PROCESSED", ticketId: row.ticketId });
    // Not twice: a second retry is refused.
    expect((await t.gql(RETRY, { id: stuck.id }, admin)).errors?.[0]?.extensions?.code).toBe("CONFLICT");
    // Customers cannot see the list.
    const other = await t.createUser("CUSTOMER");
    expect((await t.gql(`{ inboundMailFailures(first: 1) { nodes { id } } }`, {}, other.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("stores a 20 MB attachment and an inline image as ticket attachments", async () => {
    const big = randomBytes(20 * 1024 * 1024);
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
    const boundary = "b-" + randomBytes(6).toString("hex");
    const raw = [
      "",
      `--${boundary}`,
      "Content-Type: text/plain; charset=utf-8",
      "",
      "The log is attached.",
      `--${boundary}`,
      "Content-Type: image/png",
      "Content-Disposition: inline; filename=shot.png",
      "Content-ID: <shot@client>",
      "Content-Transfer-Encoding: base64",
      "",
      png.toString("base64"),
      `--${boundary}`,
      "Content-Type: application/octet-stream",
      "Content-Disposition: attachment; filename=big.log",
      "Content-Transfer-Encoding: base64",
      "",
      big.toString("base64").replace(/.{76}/g, "$&\r\n"),
      `--${boundary}--`,
      "",
    ].join("\r\n");
    const mail = message({ from: `big.${randomBytes(3).toString("hex")}@customer.example`, subject: "Huge log", headers: { "Content-Type": `multipart/mixed; boundary="${boundary}"` }, raw });
    await dovecot.deliver(mail.raw);
    const row = await handled(t, mail.id, 90_000);
    expect(row.status).toBe("PROCESSED");
    const files = (await ticketOf(row.ticketId!)).attachments as { fileName: string; size: number; contentType: string }[];
    expect(files.find((f) => f.fileName === "big.log")?.size).toBe(big.length);
    expect(files.find((f) => f.fileName === "shot.png")).toMatchObject({ contentType: "image/png", size: png.length });
    // The whole message (27 MB encoded) is over ATTACHMENT_MAX_BYTES: left out, and the ticket says so.
    expect(files.map((f) => f.fileName)).not.toContain("message.eml");
    expect((await ticketOf(row.ticketId!)).description).toMatch(/"message\.eml" was not kept/);
  }, 120_000);
});

describe("email intake over SMTP", () => {
  it("takes a message from a relay through the listener and opens a ticket", async () => {
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: smtpPort, secure: false, ignoreTLS: true });
    const from = `relay.${randomBytes(3).toString("hex")}@customer.example`;
    const info = await transport.sendMail({ from, to: "support@deskql.test", subject: "Sent through the relay", text: "Hello from SMTP." });
    transport.close();
    const row = await handled(t, info.messageId.replace(/^<|>$/g, "").toLowerCase());
    expect(row).toMatchObject({ status: "PROCESSED", sender: from });
    const ticket = await ticketOf(row.ticketId!);
    expect(ticket).toMatchObject({ subject: "Sent through the relay", source: "EMAIL" });
    expect(ticket.description).toContain("Hello from SMTP.");
  });
});
