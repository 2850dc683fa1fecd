import "reflect-metadata";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { JobUnitsScope } from "../src/core/jobs.js";
import { currentStatementCount, withStatementCount } from "../src/db/statement-counter.js";
import { DemoDeskSeeder } from "../src/db/seeders/demo-desk.seeder.js";
import { JobTrigger } from "../src/modules/jobs/job-run.entity.js";
import type { RunSummary } from "../src/modules/jobs/job.runner.js";
import { Ticket } from "../src/modules/tickets/ticket.entity.js";
import { TicketStatus } from "../src/modules/tickets/ticket.enums.js";
import { type RunningServer } from "../src/server/start.js";
import { withInProcessServer } from "./in-process-server.js";
import { machineInfo } from "./machine.js";
import { writeSection } from "./results-section.js";

/**
 * The `sla.escalations` job on the 5,000-ticket demo desk with every ticket open and its SLA clock
 * running: the deadlines are spread from 36 hours ago to 60 hours ahead (one ticket an hour of it
 * in every 96), the at-risk mark 8 hours before each, so about a quarter is breached within the
 * job's one-day window, a twelfth at risk, and the rest on track or breached too long ago. The
 * real server (startServer, jobs off) runs the job once through its JobRunner, then again (every
 * unit DONE: all skipped). Figures: the units listing, the whole run, units processed, SQL
 * statements (the server's own per-request counter, src/db/statement-counter.ts). Runs on the
 * embedded database, and on a throwaway MariaDB unless BENCH_SLA_DATABASES=sqlite.
 * `npm run bench:sla` writes the section "sla-sweep" of bench/RESULTS.md.
 */
const RESULTS = process.env.BENCH_RESULTS_FILE ?? join(process.cwd(), "bench", "RESULTS.md");
const DATABASES = (process.env.BENCH_SLA_DATABASES ?? "sqlite,mariadb").split(",").map((s) => s.trim()).filter(Boolean);
const HOUR = 3_600_000;
const SPREAD_HOURS = 96;
const FIRST_OFFSET_HOURS = -36;
const AT_RISK_HOURS = 8;

const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

interface Measured {
  database: string;
  seedMs: number;
  tickets: number;
  expected: { atRisk: number; breached: number };
  first: RunFigures;
  second: RunFigures;
}

interface RunFigures {
  listingMs: number;
  listingStatements: number;
  totalMs: number;
  statements: number;
  summary: RunSummary;
  /** Statements by kind ("select tickets", "insert domain_events", "begin", …). */
  kinds: Map<string, number>;
}

type Knex = { on(event: string, fn: (q: { sql: string }) => void): void; off(event: string, fn: (q: { sql: string }) => void): void };

function kindOf(sql: string): string {
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? "?";
  const table = /\b(?:from|into|update)\s+[`"]?(\w+)/i.exec(sql)?.[1];
  return table ? `${verb} ${table}` : verb;
}

/** Every ticket open, its clock running and its current deadline `offset` hours from now by ticket number. */
async function openAll(server: RunningServer, now: Date): Promise<{ tickets: number; expected: { atRisk: number; breached: number } }> {
  const em = server.orm.em.fork();
  const rows = await em.find(Ticket, {}, { fields: ["id", "number", "firstResponseAt"], disableIdentityMap: true });
  const groups = new Map<string, string[]>();
  for (const t of rows) {
    const key = `${t.number % SPREAD_HOURS}:${t.firstResponseAt ? "r" : "f"}`;
    groups.set(key, [...(groups.get(key) ?? []), t.id]);
  }
  const expected = { atRisk: 0, breached: 0 };
  await em.transactional(async (tx) => {
    for (const [key, ids] of groups) {
      const [slot, phase] = key.split(":") as [string, "r" | "f"];
      const offsetHours = FIRST_OFFSET_HOURS + Number(slot);
      const due = new Date(now.getTime() + offsetHours * HOUR);
      if (offsetHours >= 0 && offsetHours < AT_RISK_HOURS) expected.atRisk += ids.length;
      if (offsetHours < 0 && offsetHours >= -24) expected.breached += ids.length;
      await tx.nativeUpdate(
        Ticket,
        { id: { $in: ids } },
        {
          status: TicketStatus.OPEN,
          clockPausedSince: null,
          slaDueAt: due,
          slaAtRiskAt: new Date(due.getTime() - AT_RISK_HOURS * HOUR),
          ...(phase === "f" ? { firstResponseDueAt: due } : { resolutionDueAt: due }),
        },
      );
    }
  });
  return { tickets: rows.length, expected };
}

/** One run of the job through the server's JobRunner, timed and counted; the listing timed on its own. */
async function runOnce(server: RunningServer): Promise<RunFigures> {
  const runner = server.services.jobRunner;
  const job = runner.get("sla.escalations");
  const list = job.units.bind(job);
  const listing = { ms: 0, statements: 0 };
  job.units = async (scope: JobUnitsScope) => {
    const [s0, t0] = [currentStatementCount() ?? 0, performance.now()];
    const units = await list(scope);
    [listing.ms, listing.statements] = [performance.now() - t0, (currentStatementCount() ?? 0) - s0];
    return units;
  };
  const kinds = new Map<string, number>();
  const knex = (server.orm.em.getConnection() as unknown as { getKnex(): Knex }).getKnex();
  // Only the run's own statements (those the server's counter counts), not the mail or webhook workers' polls.
  const onQuery = (q: { sql: string }) => {
    if (currentStatementCount() !== undefined) kinds.set(kindOf(q.sql), (kinds.get(kindOf(q.sql)) ?? 0) + 1);
  };
  knex.on("query", onQuery);
  try {
    return await withStatementCount(async () => {
      const t0 = performance.now();
      const summary = await runner.run("sla.escalations", { trigger: JobTrigger.MANUAL });
      const totalMs = performance.now() - t0;
      if (!summary) throw new Error("the run did not start");
      return { listingMs: listing.ms, listingStatements: listing.statements, totalMs, statements: currentStatementCount() ?? 0, summary, kinds };
    });
  } finally {
    job.units = list;
    knex.off("query", onQuery);
  }
}

async function measure(kind: string): Promise<Measured> {
  return withInProcessServer(kind, "sla", async (server, database) => {
    log(`${database}: seeding the demo desk`);
    const seedStart = performance.now();
    await server.orm.getSeeder().seed(DemoDeskSeeder);
    const seedMs = performance.now() - seedStart;
    const { tickets, expected } = await openAll(server, server.services.clock.now());
    log(`${database}: ${tickets} tickets open and running (expected about ${expected.atRisk} at risk, ${expected.breached} breached in the window); running sla.escalations`);
    const first = await runOnce(server);
    log(`${database}: first run ${first.totalMs.toFixed(0)} ms, ${first.summary.processed} processed, ${first.statements} statements`);
    const second = await runOnce(server);
    log(`${database}: second run ${second.totalMs.toFixed(0)} ms, ${second.summary.skipped} skipped, ${second.statements} statements`);
    return { database, seedMs, tickets, expected, first, second };
  });
}

const s = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);

function row(m: Measured): string[] {
  const f = m.first;
  const perUnit = f.summary.processed ? (f.totalMs - f.listingMs) / f.summary.processed : NaN;
  const stPerUnit = f.summary.processed ? (f.statements - f.listingStatements) / f.summary.processed : NaN;
  return [
    `| ${m.database} | first | ${f.summary.total} | ${f.summary.processed} | ${f.summary.skipped} | ${f.summary.errors} | ${s(f.listingMs)} (${f.listingStatements} st.) | ${s(f.totalMs)} | ${f.statements} | ${perUnit.toFixed(1)} ms / ${stPerUnit.toFixed(1)} st. |`,
    `| ${m.database} | second (all done) | ${m.second.summary.total} | ${m.second.summary.processed} | ${m.second.summary.skipped} | ${m.second.summary.errors} | ${s(m.second.listingMs)} (${m.second.listingStatements} st.) | ${s(m.second.totalMs)} | ${m.second.statements} | — |`,
  ];
}

function breakdown(f: RunFigures): string {
  const per = Math.max(1, f.summary.processed);
  return [...f.kinds.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ${(n / per).toFixed(2)}`)
    .join(", ");
}

async function main() {
  const loadBefore = loadavg()[0]!;
  const results: Measured[] = [];
  for (const kind of DATABASES) results.push(await measure(kind));
  const m = machineInfo();
  const md = [
    `## SLA escalations: one sweep of 5,000 running tickets (${new Date().toISOString().slice(0, 10)})`,
    "",
    `\`npm run bench:sla\` on ${m.cpuModel}, ${m.cores} cores, Node ${m.node}; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} at the end (other work shares the cores). The demo desk (DemoDeskSeeder, scale 1) with all ${results[0]?.tickets ?? 5000} tickets made OPEN with a running clock, their current deadline spread evenly from 36 h ago to 60 h ahead (at risk 8 h before it): about ${results[0]?.expected.breached} breached within the job's one-day window and ${results[0]?.expected.atRisk} at risk, plus the seeded late first responses of the last day. The real server (\`startServer\`, \`JOBS_ENABLED=false\`, \`SLA_ESCALATIONS\` default) runs \`sla.escalations\` through its \`JobRunner\` (manual trigger, \`JOBS_CONCURRENCY\` 4), twice. Statements are the server's own counter (src/db/statement-counter.ts) over the whole run, including the run's own row and the units' \`job_units\` rows.`,
    "",
    "| database | run | units | processed | skipped | errors | listing the units | whole run | SQL statements | per processed unit |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...results.flatMap(row),
    "",
    ...results.map((r) => `- ${r.database}: seeding took ${s(r.seedMs)}. The first run's statements by kind (the counted ones, whole run, divided by the ${r.first.summary.processed} processed units): ${breakdown(r.first)}.`),
    "",
    "The second run lists the same crossings, finds every key DONE in `job_units` and does no unit: its cost is the listing plus one lookup of the keys, which is what every minute's tick costs while nothing new crosses a threshold.",
  ].join("\n");
  writeSection(RESULTS, "sla-sweep", md);
  console.log(md);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
