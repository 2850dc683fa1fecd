import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueMail } from "../../../src/modules/mail/outbox.js";
import { OutboxMessage } from "../../../src/modules/mail/outbox-message.entity.js";
import { MailWorker } from "../../../src/modules/mail/mail.worker.js";
import { OutboxOnlyTransport, type MailTransport } from "../../../src/modules/mail/mail.transport.js";
import { startTestServer, type TestServer } from "../../support/server.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const mail = (to: string, kind = "TEST") => ({ to, kind, subject: `Hello ${to}`, text: "Plain", html: "<p>Plain</p>" });
const delivered = (rows: OutboxMessage[]) => (rows.length && rows.every((r) => r.deliveredAt) ? rows : null);
const rowsTo = (to: string) => t.server.orm.em.fork().find(OutboxMessage, { recipient: to }, { orderBy: { createdAt: "ASC", id: "ASC" } });

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A transport that records what it sends, or fails as told. */
class RecordingTransport implements MailTransport {
  readonly name = "smtp" as const;
  readonly keepsBodies = true;
  sent: string[] = [];
  constructor(private readonly fail = false) {}
  async send(message: OutboxMessage): Promise<void> {
    await new Promise((r) => setTimeout(r, 2));
    if (this.fail) throw new Error("451 4.3.0 Try again later");
    this.sent.push(message.id);
  }
  close(): void {}
}

describe("the outbox", () => {
  it("is for admins only", async () => {
    const customer = await t.createUser();
    expect((await t.gql(`{ outbox(first: 1) { totalCount } }`)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await t.gql(`{ outbox(first: 1) { totalCount } }`, {}, customer.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const agent = await t.createUser("AGENT");
    expect((await t.gql(`{ outbox(first: 1) { totalCount } }`, {}, agent.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("delivers a message right after its transaction commits, without waiting for the poll", async () => {
    const to = "commit.wake@example.test";
    await t.server.orm.em.fork().transactional(async (tx) => {
      enqueueMail(tx, mail(to));
    });
    const [row] = await until("delivery", async () => delivered(await rowsTo(to)));
    expect(row).toMatchObject({ attempts: 1, lastError: null, claimedUntil: null, text: "Plain" }); // the outbox transport keeps bodies: it is the mailbox
  });

  it("writes nothing when the change that caused the message rolls back", async () => {
    const to = "rolled.back@example.test";
    await expect(
      t.server.orm.em.fork().transactional(async (tx) => {
        enqueueMail(tx, mail(to));
        await tx.flush();
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    await new Promise((r) => setTimeout(r, 200));
    expect(await rowsTo(to)).toEqual([]);
  });

  it("lists messages newest first, filtered by address, kind and status", async () => {
    const to = "listed@example.test";
    const em = t.server.orm.em.fork();
    enqueueMail(em, mail(to, "FIRST"));
    await em.flush();
    enqueueMail(em, mail(to, "SECOND"));
    await em.flush();
    await until("delivery", async () => delivered(await rowsTo(to)));
    const res = await t.gql(`{ outbox(first: 5, filter: { to: "LISTED@example.test", status: DELIVERED }) { totalCount nodes { kind status to } } }`, {}, await t.adminToken());
    expect(res.data!.outbox).toEqual({ totalCount: 2, nodes: [{ kind: "SECOND", status: "DELIVERED", to }, { kind: "FIRST", status: "DELIVERED", to }] });
    const none = await t.gql(`{ outbox(first: 5, filter: { to: "listed@example.test", status: PENDING }) { totalCount } }`, {}, await t.adminToken());
    expect(none.data!.outbox.totalCount).toBe(0);
  });
});

describe("the mail worker", () => {
  it("retries with exponential backoff, recording attempts and the last error, and gives up after MAIL_MAX_ATTEMPTS", async () => {
    const to = "always.fails@example.test";
    const worker = new MailWorker(t.server.orm, new RecordingTransport(true), { ...t.server.services.config.mail, retryBaseMs: 150, retryMaxMs: 10_000, maxAttempts: 3 });
    await t.server.services.mail.stop(); // this worker alone handles the row
    const em = t.server.orm.em.fork();
    enqueueMail(em, mail(to));
    await em.flush();

    const gaps: { atLeast: number; atMost: number }[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [due] = await rowsTo(to);
      await new Promise((r) => setTimeout(r, Math.max(0, due!.nextAttemptAt.getTime() - Date.now()) + 5));
      const before = Date.now();
      expect(await worker.deliverDue()).toBe(1);
      const after = Date.now();
      const [stored] = await rowsTo(to);
      expect(stored).toMatchObject({ attempts: attempt, lastError: "451 4.3.0 Try again later", deliveredAt: null });
      if (attempt < 3) {
        expect(stored!.failedAt).toBeNull();
        // The failure happened between `before` and `after`; the next attempt is that plus the delay.
        gaps.push({ atLeast: stored!.nextAttemptAt.getTime() - after, atMost: stored!.nextAttemptAt.getTime() - before });
        expect(await worker.deliverDue()).toBe(0); // not due yet
      } else {
        expect(stored!.failedAt).not.toBeNull();
      }
    }
    // 150 ms, then 300 ms, each minus up to 10% jitter (less the few ms since the failure).
    expect(gaps[0]!.atMost).toBeGreaterThanOrEqual(135);
    expect(gaps[0]!.atLeast).toBeLessThanOrEqual(150);
    expect(gaps[1]!.atMost).toBeGreaterThanOrEqual(270);
    expect(gaps[1]!.atLeast).toBeLessThanOrEqual(300);
    const listed = await t.gql(`{ outbox(first: 1, filter: { to: "${to}" }) { nodes { status attempts lastError } } }`, {}, await t.adminToken());
    expect(listed.data!.outbox.nodes[0]).toEqual({ status: "FAILED", attempts: 3, lastError: "451 4.3.0 Try again later" });
    expect(await worker.deliverDue()).toBe(0); // failed rows stay, untouched

    // Leave a running worker for the rest of the file (and for close()).
    t.server.services.mail = new MailWorker(t.server.orm, new OutboxOnlyTransport(), t.server.services.config.mail);
    t.server.services.mail.start();
  });

  it("delivers, after a restart, what a crashed process left: unsent rows and rows whose claim lapsed", async () => {
    await t.server.services.mail.stop(); // "the crash"
    const em = t.server.orm.em.fork();
    const waiting = enqueueMail(em, mail("left.waiting@example.test"));
    const stuck = enqueueMail(em, mail("claimed.then.crashed@example.test"));
    stuck.claimedUntil = new Date(Date.now() - 1000); // a lease from the dead process, run out
    stuck.attempts = 1;
    await em.flush();

    const restarted = new MailWorker(t.server.orm, new OutboxOnlyTransport(), t.server.services.config.mail);
    t.server.services.mail = restarted;
    restarted.start();
    for (const to of ["left.waiting@example.test", "claimed.then.crashed@example.test"]) {
      const [row] = await until(`delivery to ${to}`, async () => delivered(await rowsTo(to)));
      expect(row!.id).toBe(to.startsWith("left") ? waiting.id : stuck.id);
    }
    expect((await rowsTo("claimed.then.crashed@example.test"))[0]!.attempts).toBe(2);
  });

  it("leaves a row alone while another worker's claim on it is current", async () => {
    await t.server.services.mail.stop();
    const em = t.server.orm.em.fork();
    const held = enqueueMail(em, mail("held@example.test"));
    held.claimedUntil = new Date(Date.now() + 60_000);
    await em.flush();
    const other = new MailWorker(t.server.orm, new RecordingTransport(), t.server.services.config.mail);
    expect(await other.deliverDue()).toBe(0);
    await em.nativeUpdate(OutboxMessage, { id: held.id }, { claimedUntil: null }); // released
    expect(await other.deliverDue()).toBe(1);
  });

  it("never sends a row twice when two workers race for the same rows", async () => {
    await t.server.services.mail.stop();
    const em = t.server.orm.em.fork();
    const ids = Array.from({ length: 45 }, (_, i) => enqueueMail(em, mail(`race${i}@example.test`, "RACE")).id);
    await em.flush();
    const [a, b] = [new RecordingTransport(), new RecordingTransport()];
    const workers = [a, b].map((transport) => new MailWorker(t.server.orm, transport, t.server.services.config.mail));
    const attempted = await Promise.all(workers.map((w) => w.deliverDue()));
    expect(attempted[0]! + attempted[1]!).toBe(45);
    expect([...a.sent, ...b.sent].sort()).toEqual([...ids].sort());
    expect(a.sent.length).toBeGreaterThan(0);
    expect(b.sent.length).toBeGreaterThan(0);
    const rows = await t.server.orm.em.fork().find(OutboxMessage, { id: { $in: ids } });
    expect(rows.every((r) => r.deliveredAt && r.attempts === 1)).toBe(true);
  });
});
