import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { mailTo } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";

/**
 * The SMTP transport against a real SMTP server on loopback (smtp-server as a sink), which
 * answers "451 try again later" to the first two deliveries, to prove retries with backoff.
 */
interface Received {
  from: string;
  to: string[];
  raw: string;
}

const attempts: number[] = [];
const received: Received[] = [];
let rejectFirst = 2;
let sink: SMTPServer;
let t: TestServer;

beforeAll(async () => {
  sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        attempts.push(Date.now());
        if (rejectFirst > 0) {
          rejectFirst--;
          return callback(Object.assign(new Error("Mailbox busy, try again later"), { responseCode: 451 }));
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  const { port } = sink.server.address() as { port: number };
  t = await startTestServer({
    env: { MAIL_TRANSPORT: "smtp", SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: "DeskQL Test <desk@deskql.test>", MAIL_RETRY_BASE_MS: "300" },
  });
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((resolve) => sink?.close(() => resolve()));
});

/** Quoted-printable, as nodemailer encodes long lines. */
const decodeQp = (s: string) => s.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

describe("the SMTP transport", () => {
  it("delivers through the relay, retrying with exponential backoff while it refuses", async () => {
    const user = await t.createUser("CUSTOMER", "Smtp Person");
    const deadline = Date.now() + 10_000;
    while (!received.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(received).toHaveLength(1);

    // Two refusals, then success: 300 ms and 600 ms apart (minus up to 10% jitter).
    expect(attempts).toHaveLength(3);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(260);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(530);

    const [message] = received;
    expect(message!.from).toBe("desk@deskql.test");
    expect(message!.to).toEqual([user.email]);
    const raw = decodeQp(message!.raw);
    expect(raw).toMatch(/^From: DeskQL Test <desk@deskql\.test>$/m);
    expect(raw).toMatch(new RegExp(`^To: ${user.email.replace(/\./g, "\\.")}$`, "m"));
    expect(raw).toMatch(/^Subject: Confirm your email address$/m);
    expect(raw).toMatch(/^Auto-Submitted: auto-generated$/m);
    expect(raw).toMatch(/^Content-Type: multipart\/alternative/m);
    expect(raw).toMatch(/\/#\/verify-email\/hd_ve_[A-Za-z0-9_-]{43}/);
    expect(raw).toContain("Hello Smtp Person,");

    const [row] = await mailTo(t, user.email, "VERIFY_EMAIL");
    expect(row).toMatchObject({ status: "DELIVERED", attempts: 3, text: null, html: null }); // bodies are not kept once sent
    expect(row!.lastError).toMatch(/451/);
    expect(raw).toMatch(new RegExp(`^Message-ID: <${row!.id}@localhost>$`, "m"));
  });
});

describe("ticket emails", () => {
  it("carry a Message-ID of their own in the ticket's thread, for mail clients and email intake", async () => {
    const customer = await t.createUser("CUSTOMER", "Thread Person");
    const agent = await t.createUser("AGENT", "Thread Agent");
    const created = await t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`, { i: { subject: "Threads", description: "Please thread." } }, customer.token);
    const ticketId = created.data!.createTicket.id as string;
    await t.gql(`mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`, { i: { subjectId: ticketId, body: "Threaded answer." } }, agent.token);
    const deadline = Date.now() + 15_000;
    let mail: Received | undefined;
    while (!(mail = received.find((m) => m.to.includes(customer.email) && /Threaded answer/.test(decodeQp(m.raw)))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // Unfolded: a Message-ID this long goes on a continuation line.
    const raw = decodeQp(mail!.raw).replace(/\r?\n[ \t]+/g, " ");
    expect(raw).toMatch(new RegExp(`^Message-ID: <ticket-${ticketId}\\.[0-9a-f-]{36}@localhost>$`, "m"));
    expect(raw).toMatch(new RegExp(`^In-Reply-To: <ticket-${ticketId}@localhost>$`, "m"));
    expect(raw).toMatch(new RegExp(`^References: <ticket-${ticketId}@localhost>$`, "m"));
    expect(raw).toMatch(/^Auto-Submitted: auto-generated$/m);
    expect(raw).toContain("Reply above this line");
  });
});

describe("configuration", () => {
  it("requires SMTP_URL with MAIL_TRANSPORT=smtp", () => {
    expect(() => loadConfig({ MAIL_TRANSPORT: "smtp" })).toThrow(/SMTP_URL is required/);
    expect(() => loadConfig({ MAIL_TRANSPORT: "smtp", SMTP_URL: "http://relay" })).toThrow(/SMTP_URL must start with smtp/);
  });
});
