import "reflect-metadata";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Role } from "../src/core/identity.js";
import { Priority, PRIORITY_RANK } from "../src/core/priority.js";
import { createScope, type RequestScope } from "../src/core/scope.js";
import { currentStatementCount, withStatementCount } from "../src/db/statement-counter.js";
import { DemoDeskSeeder } from "../src/db/seeders/demo-desk.seeder.js";
import { Ticket } from "../src/modules/tickets/ticket.entity.js";
import { TicketStatus } from "../src/modules/tickets/ticket.enums.js";
import { User } from "../src/modules/users/user.entity.js";
import { type RunningServer } from "../src/server/start.js";
import { withInProcessServer } from "./in-process-server.js";
import { machineInfo } from "./machine.js";
import { writeSection } from "./results-section.js";

/**
 * Bulk changes on the 5,000-ticket demo desk: an agent previews, then commits, two changes to 10
 * and to 100 tickets made OPEN for them (assign to themselves and priority HIGH; the same with
 * IN_PROGRESS and an internal note on each), through the same service the GraphQL resolvers call. Figures: wall time and SQL
 * statements (the server's own per-request counter, src/db/statement-counter.ts) of the preview
 * and of the commit, to show that the statements stay flat in the number of tickets. Runs on the
 * embedded database, and on a throwaway MariaDB unless BENCH_BULK_DATABASES=sqlite.
 * `npm run bench:bulk` writes the section "bulk-change" of bench/RESULTS.md.
 */
const RESULTS = process.env.BENCH_RESULTS_FILE ?? join(process.cwd(), "bench", "RESULTS.md");
const DATABASES = (process.env.BENCH_BULK_DATABASES ?? "sqlite,mariadb").split(",").map((s) => s.trim()).filter(Boolean);
const SIZES = [10, 100] as const;
/** Two changes: one the ticket writes alone make, and one whose events other modules' subscribers read more for. */
const CHANGES = {
  "assign + priority": (agentId: string) => ({ priority: Priority.HIGH, assigneeId: agentId }),
  "assign + priority + status + internal note": (agentId: string) => ({
    status: TicketStatus.IN_PROGRESS,
    priority: Priority.HIGH,
    assigneeId: agentId,
    comment: { body: "Taken in bulk: looking into it.", internal: true },
  }),
} as const;
type ChangeName = keyof typeof CHANGES;
const RUNS = 3;

const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

interface Figures {
  change: ChangeName;
  size: number;
  previewMs: number[];
  previewStatements: number;
  applyMs: number[];
  applyStatements: number;
}

interface Measured {
  database: string;
  tickets: number;
  figures: Figures[];
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; statements: number }> {
  return withStatementCount(async () => {
    const t0 = performance.now();
    const value = await work();
    return { value, ms: performance.now() - t0, statements: currentStatementCount() ?? 0 };
  });
}

/** One preview and commit of the bench's change on `ids`, as `agent`. */
async function once(server: RunningServer, agent: User, ids: string[], change: ChangeName): Promise<{ previewMs: number; previewStatements: number; applyMs: number; applyStatements: number }> {
  const scope = (): RequestScope =>
    createScope({ em: server.orm.em.fork(), viewer: { userId: agent.id, role: agent.role, sessionId: "bench" }, request: { requestId: "bench", ip: "127.0.0.1", userAgent: null }, clock: server.services.clock });
  const changes = CHANGES[change](agent.id);
  const bulk = server.services.bulk;
  const preview = await timed(() => bulk.preview(scope(), { ticketIds: ids, changes }));
  if (preview.value.refusedCount) throw new Error(`${preview.value.refusedCount} tickets refused`);
  const apply = await timed(() => bulk.apply(scope(), { changes, expectedVersions: preview.value.expectedVersions }));
  if (apply.value.changedCount !== ids.length) throw new Error(`only ${apply.value.changedCount} of ${ids.length} changed`);
  return { previewMs: preview.ms, previewStatements: preview.statements, applyMs: apply.ms, applyStatements: apply.statements };
}

async function measure(kind: string): Promise<Measured> {
  return withInProcessServer(kind, "bulk", async (server, database) => {
    log(`${database}: seeding the demo desk`);
    await server.orm.getSeeder().seed(DemoDeskSeeder);
    const em = server.orm.em.fork();
    const tickets = await em.count(Ticket, {});
    const agent = await em.findOneOrFail(User, { role: Role.AGENT, deactivatedAt: null }, { orderBy: { createdAt: "ASC" } });
    // Each run takes OPEN tickets of its own (the commit moves them on), one warm-up first.
    const names = Object.keys(CHANGES) as ChangeName[];
    const needed = (SIZES.reduce((a, b) => a + b, 0) * RUNS + SIZES[0]) * names.length;
    // The newest tickets, made OPEN, unassigned and NORMAL (the demo desk has fewer OPEN ones than the runs need), so each changes.
    const open = (await em.find(Ticket, {}, { fields: ["id"], orderBy: { number: "DESC" }, limit: needed, disableIdentityMap: true })).map((t) => t.id);
    await em.nativeUpdate(Ticket, { id: { $in: open } }, { status: TicketStatus.OPEN, clockPausedSince: null, resolvedAt: null, closedAt: null, assignee: null, priority: Priority.NORMAL, priorityRank: PRIORITY_RANK[Priority.NORMAL] });
    let next = 0;
    const take = (n: number) => open.slice(next, (next += n));
    for (const change of names) await once(server, agent, take(SIZES[0]), change);
    const figures: Figures[] = names.flatMap((change) => SIZES.map((size) => ({ change, size, previewMs: [], previewStatements: 0, applyMs: [], applyStatements: 0 })));
    for (let run = 0; run < RUNS; run++) {
      for (const f of figures) {
        const r = await once(server, agent, take(f.size), f.change);
        f.previewMs.push(r.previewMs);
        f.applyMs.push(r.applyMs);
        f.previewStatements = r.previewStatements;
        f.applyStatements = r.applyStatements;
        log(`${database}: ${f.change}, ${f.size} tickets: preview ${r.previewMs.toFixed(0)} ms / ${r.previewStatements} st., commit ${r.applyMs.toFixed(0)} ms / ${r.applyStatements} st.`);
      }
    }
    return { database, tickets, figures };
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function main() {
  const loadBefore = loadavg()[0]!;
  const results: Measured[] = [];
  for (const kind of DATABASES) results.push(await measure(kind));
  const m = machineInfo();
  const md = [
    `## Bulk change: preview and commit of 10 and 100 tickets (${new Date().toISOString().slice(0, 10)})`,
    "",
    `\`npm run bench:bulk\` on ${m.cpuModel}, ${m.cores} cores, Node ${m.node}; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} at the end (other work shares the cores). The demo desk (DemoDeskSeeder, ${results[0]?.tickets ?? 5000} tickets); an agent previews, then commits, bulk changes of tickets made OPEN for the run, through \`BulkTicketService\` (what \`previewBulkTicketChange\` and \`applyBulkTicketChange\` call): assign to themselves and priority HIGH; and the same with status IN_PROGRESS and an internal note on each. Every ticket raises the events (comment.added, ticket.assigned, ticket.updated, ticket.transitioned) and audit rows a single change raises. Median of ${RUNS} runs on fresh tickets each, after one warm-up per change; statements are the server's own counter (src/db/statement-counter.ts), transaction statements included.`,
    "",
    "| database | change | tickets | preview | preview SQL statements | commit | commit SQL statements |",
    "|---|---|---|---|---|---|---|",
    ...results.flatMap((r) => r.figures.map((f) => `| ${r.database} | ${f.change} | ${f.size} | ${ms(median(f.previewMs))} | ${f.previewStatements} | ${ms(median(f.applyMs))} | ${f.applyStatements} |`)),
    "",
    "The bulk path itself is flat: the preview reads the tickets in one statement, the commit reads the assignee once and locks the tickets in one statement, and the ORM writes the changed tickets, comments, audit rows and events in batches when the transaction ends (one more statement where a batch passes the ORM's batch size). The commit announces its tickets to the transaction (src/core/batch-hint.ts), so the subscribers that read something per ticket on every event (the watchers module's watchers and CC addresses) read it for the whole batch on the first event: the change with status and notes is flat too. Public replies and resolutions besides look up each requester's mail settings (one statement per mail, in the mail module); this bench's note is internal.",
  ].join("\n");
  writeSection(RESULTS, "bulk-change", md);
  console.log(md);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
