import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ImapFlow } from "imapflow";
import { InboundMail } from "../src/modules/intake/inbound-mail.entity.js";
import { startServer, type RunningServer } from "../src/server/start.js";
import { statementTotals, withStatementCount } from "../src/db/statement-counter.js";
import { startDovecot, type Dovecot } from "../tests/support/dovecot.js";
import { benchServerConfig } from "./in-process-server.js";
import { machineInfo } from "./machine.js";
import { writeSection } from "./results-section.js";

/**
 * Email intake over IMAP: N messages (BENCH_INTAKE_MESSAGES, 500) are APPENDed into a real Dovecot
 * mailbox (tests/support/dovecot.ts) before the server starts: 40% new mails from a few senders,
 * 60% replies to their earlier tickets by the `[#number]` subject reference, ~2 KB of plain text
 * each, every tenth with a 100 KB CSV attachment. First the baseline: imapflow alone issues the
 * reader's own IMAP commands on the same messages (SEARCH UNSEEN, then per message FETCH
 * envelope+size, FETCH source, STORE +\Seen), then the flags are reset. Then the real server
 * (startServer, embedded database, INTAKE_IMAP_URL at the mailbox) reads them; the rate is taken
 * from the first inbound_mails row to the N-th (polled every 50 ms through the server's ORM), with
 * the server's CPU time and SQL statements (statement-counter.ts) over that window, the gaps between
 * rows per kind of message, and the cost of one empty write transaction on the same database.
 * `npm run bench:intake` writes the section "intake" of bench/RESULTS.md.
 */
const RESULTS = process.env.BENCH_RESULTS_FILE ?? join(process.cwd(), "bench", "RESULTS.md");
const N = Number(process.env.BENCH_INTAKE_MESSAGES ?? 500);
const SENDERS = 8;
const ATTACHMENT_EVERY = 10;
const ATTACHMENT_BYTES = 100 * 1024;
const BODY_BYTES = 2 * 1024;
const TIMEOUT_MS = Number(process.env.BENCH_INTAKE_TIMEOUT_MS ?? 15 * 60_000);

const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

/** A deterministic PRNG (mulberry32), so every run delivers the same mix. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = "printer invoice login password export report dashboard account screen error crash slow page email order refund upload sync mobile browser update network setting customer shipment".split(" ");

function text(random: () => number, bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const n = 8 + Math.floor(random() * 8);
    const line = Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(" ");
    const sentence = `${line[0]!.toUpperCase()}${line.slice(1)}.`;
    lines.push(sentence);
    size += sentence.length + 2;
  }
  return lines.join("\r\n");
}

interface Planned {
  raw: Buffer;
  kind: "new" | "reply";
  attachment: boolean;
}

/** The messages, in delivery (UID) order; replies name tickets the earlier new mails open (numbers 1, 2, … on a fresh desk). */
function plan(): Planned[] {
  const random = prng(42);
  const tickets: { number: number; sender: number; subject: string }[] = [];
  const out: Planned[] = [];
  const csv = Buffer.from(text(random, ATTACHMENT_BYTES).replace(/ /g, ",")).subarray(0, ATTACHMENT_BYTES);
  for (let i = 0; i < N; i++) {
    const isNew = tickets.length < SENDERS || random() < 0.4;
    let from: number;
    let subject: string;
    let kind: Planned["kind"];
    if (isNew) {
      from = tickets.length % SENDERS;
      subject = `${WORDS[Math.floor(random() * WORDS.length)]} problem number ${i}`;
      tickets.push({ number: tickets.length + 1, sender: from, subject });
      kind = "new";
    } else {
      const t = tickets[Math.floor(random() * tickets.length)]!;
      from = t.sender;
      subject = `Re: [#${t.number}] ${t.subject}`;
      kind = "reply";
    }
    const attachment = i % ATTACHMENT_EVERY === ATTACHMENT_EVERY - 1;
    const body = text(random, BODY_BYTES);
    const boundary = `b-${randomBytes(8).toString("hex")}`;
    const head = [
      `From: Customer ${from} <customer${from}@bench.example>`,
      "To: support@deskql.test",
      `Subject: ${subject}`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <bench-${i}-${randomBytes(6).toString("hex")}@client.example>`,
      "MIME-Version: 1.0",
    ];
    const raw = attachment
      ? [
          ...head,
          `Content-Type: multipart/mixed; boundary="${boundary}"`,
          "",
          `--${boundary}`,
          "Content-Type: text/plain; charset=utf-8",
          "",
          body,
          `--${boundary}`,
          `Content-Type: text/csv; name="export-${i}.csv"`,
          `Content-Disposition: attachment; filename="export-${i}.csv"`,
          "Content-Transfer-Encoding: base64",
          "",
          csv.toString("base64").replace(/.{76}/g, "$&\r\n"),
          `--${boundary}--`,
          "",
        ].join("\r\n")
      : [...head, "Content-Type: text/plain; charset=utf-8", "", body, ""].join("\r\n");
    out.push({ raw: Buffer.from(raw), kind, attachment });
  }
  return out;
}

const client = (dovecot: Dovecot) =>
  new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });

async function deliver(dovecot: Dovecot, messages: Planned[]): Promise<number> {
  const c = client(dovecot);
  await c.connect();
  const start = performance.now();
  try {
    for (const m of messages) await c.append(dovecot.mailbox, m.raw, []);
  } finally {
    await c.logout().catch(() => c.close());
  }
  return performance.now() - start;
}

/** imapflow alone, the reader's commands (imap.reader.ts pass()) without DeskQL's processing; flags reset after. */
async function baseline(dovecot: Dovecot): Promise<{ perMessageMs: number; bulkMs: number; count: number; bytes: number }> {
  const c = client(dovecot);
  await c.connect();
  try {
    await c.mailboxOpen(dovecot.mailbox);
    const lock = await c.getMailboxLock(dovecot.mailbox);
    try {
      let bytes = 0;
      const start = performance.now();
      const uids = (await c.search({ seen: false }, { uid: true })) || [];
      for (const uid of uids) {
        const meta = await c.fetchOne(String(uid), { uid: true, size: true, envelope: true }, { uid: true });
        if (!meta) continue;
        const full = await c.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
        bytes += full ? (full.source?.length ?? 0) : 0;
        await c.messageFlagsAdd(String(uid), ["\\Seen"], { uid: true });
      }
      const perMessageMs = performance.now() - start;
      await c.messageFlagsRemove("1:*", ["\\Seen"]);
      // One FETCH of every message's source: the cheapest way to pull them.
      const bulkStart = performance.now();
      let bulkCount = 0;
      for await (const m of c.fetch("1:*", { uid: true, source: true })) if (m.source) bulkCount++;
      const bulkMs = performance.now() - bulkStart;
      // FETCH BODY[] sets \Seen (imapflow asks BODY.PEEK[], but reset anyway): the server must find them all unseen.
      await c.messageFlagsRemove("1:*", ["\\Seen"]);
      const unseen = ((await c.search({ seen: false }, { uid: true })) || []).length;
      if (unseen !== N || bulkCount !== N) throw new Error(`baseline: ${unseen} unseen and ${bulkCount} fetched of ${N}`);
      return { perMessageMs, bulkMs, count: uids.length, bytes };
    } finally {
      lock.release();
    }
  } finally {
    await c.logout().catch(() => c.close());
  }
}

interface Counts {
  total: number;
  byStatus: Record<string, number>;
  tickets: number;
  comments: number;
}

async function counts(server: RunningServer): Promise<Counts> {
  const conn = server.orm.em.fork().getConnection();
  const rows = (await conn.execute(
    "select status, count(*) as n, sum(case when comment_id is null and ticket_id is not null then 1 else 0 end) as t, sum(case when comment_id is not null then 1 else 0 end) as c from inbound_mails group by status",
  )) as { status: string; n: number; t: number; c: number }[];
  const byStatus: Record<string, number> = {};
  let total = 0;
  let tickets = 0;
  let comments = 0;
  for (const r of rows) {
    byStatus[r.status] = Number(r.n);
    total += Number(r.n);
    tickets += Number(r.t);
    comments += Number(r.c);
  }
  return { total, byStatus, tickets, comments };
}

type SqlTimes = Map<string, { n: number; ms: number }>;
let sqlTimes: SqlTimes | null = null;

function timeStatements(server: RunningServer): SqlTimes {
  const times: SqlTimes = new Map();
  const started = new Map<string, { sql: string; at: number }>();
  const knex = (server.orm.em.getConnection() as unknown as { getKnex(): { on(event: string, fn: (...args: any[]) => void): void } }).getKnex();
  knex.on("query", (q: { __knexQueryUid: string; sql: string }) => started.set(q.__knexQueryUid, { sql: q.sql.replace(/'[^']*'/g, "?").replace(/\b\d+\b/g, "N"), at: performance.now() }));
  const done = (q: { __knexQueryUid: string }) => {
    const s = started.get(q.__knexQueryUid);
    if (!s) return;
    started.delete(q.__knexQueryUid);
    const t = times.get(s.sql) ?? { n: 0, ms: 0 };
    t.n++;
    t.ms += performance.now() - s.at;
    times.set(s.sql, t);
  };
  knex.on("query-response", (_r: unknown, q: { __knexQueryUid: string }) => done(q));
  knex.on("query-error", (_e: unknown, q: { __knexQueryUid: string }) => done(q));
  return times;
}

async function main() {
  const m = machineInfo();
  const loadBefore = loadavg()[0]!;
  const messages = plan();
  const planned = { new: messages.filter((x) => x.kind === "new").length, reply: messages.filter((x) => x.kind === "reply").length, attachments: messages.filter((x) => x.attachment).length };
  const totalBytes = messages.reduce((s, x) => s + x.raw.length, 0);
  const dir = mkdtempSync(join(tmpdir(), "deskql-bench-intake-"));
  const dovecot = await startDovecot();
  let server: RunningServer | undefined;
  try {
    log(`Dovecot on ${dovecot.port}: delivering ${N} messages (${planned.new} new, ${planned.reply} replies, ${planned.attachments} with a 100 KB attachment, ${(totalBytes / 1024 / 1024).toFixed(1)} MiB)`);
    const appendMs = await deliver(dovecot, messages);
    log(`delivered in ${(appendMs / 1000).toFixed(1)} s; baseline: imapflow alone`);
    const base = await baseline(dovecot);
    log(`baseline: reader's commands ${(base.perMessageMs / 1000).toFixed(2)} s, one bulk FETCH ${(base.bulkMs / 1000).toFixed(2)} s`);

    const config = benchServerConfig(dir, {
      PUBLIC_URL: "https://desk.deskql.test",
      INTAKE_IMAP_URL: dovecot.url,
      // The whole backlog is read by the first pass; no poll should start a second one mid-run.
      INTAKE_POLL_SECONDS: "600",
    });
    const bootStart = performance.now();
    // In a statement-count scope: the reader (started inside) counts its SQL there; this harness's polling is outside it.
    server = await withStatementCount(() => startServer(config));
    if (process.env.BENCH_INTAKE_SQL === "1") sqlTimes = timeStatements(server);
    log(`server up in ${((performance.now() - bootStart) / 1000).toFixed(1)} s (embedded database); waiting for ${N} inbound_mails rows`);
    let first: number | null = null;
    let firstCpu: NodeJS.CpuUsage | null = null;
    let firstStatements = 0;
    let last: number | null = null;
    let c: Counts = { total: 0, byStatus: {}, tickets: 0, comments: 0 };
    let lastLog = performance.now();
    const deadline = performance.now() + TIMEOUT_MS;
    for (;;) {
      c = await counts(server);
      const now = performance.now();
      if (first === null && c.total > 0) {
        first = now;
        firstCpu = process.cpuUsage();
        firstStatements = statementTotals().statements;
      }
      if (c.total >= N) {
        last = now;
        break;
      }
      if (now > deadline) break;
      if (now - lastLog > 10_000) {
        log(`${c.total}/${N} handled`);
        lastLog = now;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const cpu = firstCpu ? process.cpuUsage(firstCpu) : null;
    if (sqlTimes) {
      // BENCH_INTAKE_SQL=1: where the database time went (statements by text, numbers and strings blanked), not in RESULTS.md.
      const top = [...sqlTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
      const all = [...sqlTimes.values()].reduce((sum, t) => ({ n: sum.n + t.n, ms: sum.ms + t.ms }), { n: 0, ms: 0 });
      console.log(`SQL over the whole run: ${all.n} statements, ${all.ms.toFixed(0)} ms from sending to answer; the top 15:`);
      for (const [sql, t] of top) console.log(`${t.ms.toFixed(0).padStart(7)} ms ${String(t.n).padStart(6)}×  ${sql.slice(0, 200)}`);
    }
    const statements = statementTotals().statements - firstStatements;
    if (last === null || first === null) throw new Error(`only ${c.total} of ${N} messages were handled within ${TIMEOUT_MS} ms: ${JSON.stringify(c.byStatus)}`);
    const elapsedMs = last - first;
    const rate = (N - 1) / (elapsedMs / 1000);
    // Rows counted after the last: the reader flags each \Seen after its commit.
    const flags = await dovecot.flags().catch(() => null);
    const conn = server.orm.em.fork().getConnection();
    const tableCount = async (table: string) => Number(((await conn.execute(`select count(*) as n from ${table}`)) as { n: number }[])[0]!.n);
    const inTables = { tickets: await tableCount("tickets"), comments: await tableCount("comments") };
    const failures = N - (c.byStatus.PROCESSED ?? 0);
    // Per kind: the gap from one row's creation to the next's is that message's processing, its \Seen and the next FETCH.
    const rows = await server.orm.em.fork().find(InboundMail, {}, { fields: ["uid", "createdAt"], orderBy: { uid: "asc" }, disableIdentityMap: true });
    const gaps: Record<string, number[]> = { "new mail → ticket": [], "reply → comment": [], "with a 100 KB attachment": [] };
    for (let i = 0; i + 1 < rows.length; i++) {
      const planned = messages[(rows[i]!.uid ?? 0) - 1];
      if (!planned) continue;
      const gap = rows[i + 1]!.createdAt.getTime() - rows[i]!.createdAt.getTime();
      gaps[planned.attachment ? "with a 100 KB attachment" : planned.kind === "new" ? "new mail → ticket" : "reply → comment"]!.push(gap);
    }
    const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : NaN);
    const p90 = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]! : NaN);
    // For scale: what one (empty) write transaction costs on this database file and disk.
    const commits = 50;
    const commitStart = performance.now();
    for (let i = 0; i < commits; i++) await server.orm.em.fork().transactional((tx) => tx.getConnection().execute("update counters set value = value where name = 'ticket'", [], "run", tx.getTransactionContext()));
    const commitMs = (performance.now() - commitStart) / commits;
    const pragma = async (name: string) => Object.values(((await conn.execute(`pragma ${name}`)) as Record<string, unknown>[])[0] ?? {})[0];
    const sqlite = { journal: await pragma("journal_mode"), synchronous: ["OFF", "NORMAL", "FULL", "EXTRA"][Number(await pragma("synchronous"))] };
    log(`${N} handled in ${(elapsedMs / 1000).toFixed(1)} s: ${rate.toFixed(1)} messages/s; ${JSON.stringify(c.byStatus)}, ${c.tickets} tickets, ${c.comments} comments`);

    const baseRate = (base.count - 1) / (base.perMessageMs / 1000);
    const bulkRate = N / (base.bulkMs / 1000);
    const appendRate = N / (appendMs / 1000);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const md = [
      `## Email intake: messages per second from IMAP (${new Date().toISOString().slice(0, 10)})`,
      "",
      `\`npm run bench:intake\` on ${m.cpuModel}, ${m.cores} cores, Node ${m.node}; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} at the end (other work shares the cores). A real Dovecot (tests/support/dovecot.ts, loopback, no TLS) holds ${N} messages, APPENDed **before the server starts** (so the reader's first pass takes the whole backlog; IDLE plays no part): ${planned.new} new mails from ${SENDERS} senders and ${planned.reply} replies from each ticket's requester naming it by \`[#number]\` in the subject, ~2 KB of plain text each, ${planned.attachments} of them (every tenth) with a 100 KB CSV attachment; ${(totalBytes / 1024 / 1024).toFixed(1)} MiB in all. The real server (\`startServer\`, embedded database, \`INTAKE_IMAP_URL\` at the mailbox, default intake settings) reads them; the time runs from the first \`inbound_mails\` row to the ${N}th (polled every 50 ms through the server's ORM), so start-up is not in it.`,
      "",
      "| figure | time | messages/s | DeskQL's share |",
      "|---|---|---|---|",
      `| **DeskQL intake**: IMAP read, parse, ticket or comment + \`message.eml\` + attachments, \\Seen | ${s(elapsedMs)} | **${rate.toFixed(1)}** | — |`,
      `| baseline: imapflow alone, the reader's commands (SEARCH, FETCH envelope, FETCH source, STORE \\Seen per message) | ${s(base.perMessageMs)} | ${baseRate.toFixed(0)} | ${((1 - rate / baseRate) * 100).toFixed(0)}% of the intake's time is DeskQL's (${(baseRate / rate).toFixed(1)}× slower than IMAP alone) |`,
      `| baseline: imapflow, one \`FETCH 1:* BODY.PEEK[]\` | ${s(base.bulkMs)} | ${bulkRate.toFixed(0)} | — |`,
      `| delivery: imapflow APPEND, one connection (for scale) | ${s(appendMs)} | ${appendRate.toFixed(0)} | — |`,
      "",
      "Per message, from its `inbound_mails` row to the next one's (its processing, its \\Seen and the next message's FETCH; row timestamps, ms):",
      "",
      "| message | count | median | p90 |",
      "|---|---|---|---|",
      ...Object.entries(gaps).map(([k, xs]) => `| ${k} | ${xs.length} | ${median(xs)} ms | ${p90(xs)} ms |`),
      "",
      `Outcome: ${Object.entries(c.byStatus).map(([k, v]) => `${v} ${k}`).join(", ")}; **${c.tickets} tickets and ${c.comments} comments** (planned ${planned.new} and ${planned.reply}; the fresh desk's tables then hold ${inTables.tickets} tickets and ${inTables.comments} comments), **${failures} not PROCESSED**${flags ? `; ${flags.seen.length} messages flagged \\Seen, ${flags.unseen.length} unseen at the end` : ""}. The server process used ${cpu ? `${((cpu.user + cpu.system) / 1000 / 1000).toFixed(1)} s of CPU (${(((cpu.user + cpu.system) / 1000 / elapsedMs) * 100).toFixed(0)}% of one core; ${((cpu.user + cpu.system) / 1000 / N).toFixed(0)} ms of CPU per message, so about ${(1000 / ((cpu.user + cpu.system) / 1000 / N)).toFixed(0)} messages/s on a core of its own)` : "?"} over the window, and sent about ${(statements / (N - 1)).toFixed(0)} SQL statements per message (the server's counter, src/db/statement-counter.ts, which also counts the mail worker's; this harness's polling is outside it); one empty write transaction on this database file costs ${commitMs.toFixed(1)} ms (embedded SQLite, \`journal_mode=${String(sqlite.journal)}\`, \`synchronous=${sqlite.synchronous}\`, measured after the run). With a load average near ${loadBefore.toFixed(0)} on ${m.cores} cores a runnable process also waits for a core, so a share below 100% does not by itself mean the intake waits on I/O; the rate is a floor for a quiet machine. The reader handles one message at a time (each committed before its \\Seen is set), so this is the rate of one mailbox.`,
    ].join("\n");
    writeSection(RESULTS, "intake", md);
    console.log(md);
  } finally {
    await server?.close().catch(() => undefined);
    await dovecot.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
