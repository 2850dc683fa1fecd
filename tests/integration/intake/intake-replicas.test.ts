import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onSqlite } from "../../support/dialect.js";
import { startDovecot, type Dovecot } from "../../support/dovecot.js";
import { eventually, startReplicas, type Replicas } from "../replicas/support.js";
import { inbound, message, TICKET } from "./intake-support.js";

/**
 * Two server processes' worth of state (two servers on one MariaDB database) reading the same
 * Dovecot mailbox at once: each message becomes exactly one ticket, and is flagged \Seen.
 */
describe.skipIf(onSqlite)("two replicas reading one mailbox (the embedded database is one process)", () => {
  let dovecot: Dovecot;
  let replicas: Replicas;

  beforeAll(async () => {
    dovecot = await startDovecot();
    replicas = await startReplicas({ INTAKE_IMAP_URL: dovecot.url, INTAKE_POLL_SECONDS: "1", RATE_LIMIT_POINTS_PER_HOUR: "1000000" });
  }, 180_000);
  afterAll(async () => {
    await replicas?.close();
    await dovecot?.stop();
  });

  it("handles each message once: one ticket per message, every message seen", async () => {
    const mails = Array.from({ length: 12 }, (_, i) => message({ from: `twice.${i}@customer.example`, subject: `Replicated ${i}`, body: `Message ${i}.` }));
    for (const mail of mails) await dovecot.deliver(mail.raw);
    const { a, b } = replicas;
    await eventually("every message processed", async () => (await inbound(a, "PROCESSED")).filter((r) => mails.some((m) => m.id === r.messageKey)).length === mails.length, 60_000);
    await eventually("every message flagged seen", async () => (await dovecot.flags()).unseen.length === 0, 30_000);

    const rows = (await inbound(b, "PROCESSED")).filter((r) => mails.some((m) => m.id === r.messageKey));
    expect(rows).toHaveLength(mails.length);
    expect(await inbound(a, "FAILED")).toEqual([]);
    // One ticket per message, none twice.
    const res = await a.gql(`{ tickets(first: 100) { nodes { id subject } } }`, {}, await a.adminToken());
    const subjects = (res.data!.tickets.nodes as { subject: string }[]).map((n) => n.subject).filter((s) => s.startsWith("Replicated ")).sort();
    expect(subjects).toEqual(mails.map((_, i) => `Replicated ${i}`).sort());
    const one = await b.gql(TICKET, { id: rows[0]!.ticketId }, await b.adminToken());
    expect(one.data!.ticket.source).toBe("EMAIL");
  }, 120_000);
});
