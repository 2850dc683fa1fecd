import "reflect-metadata";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadConfig } from "../src/config.js";
import { Role } from "../src/core/identity.js";
import { createScope } from "../src/core/scope.js";
import { currentStatementCount, withStatementCount } from "../src/db/statement-counter.js";
import { DemoDeskSeeder } from "../src/db/seeders/demo-desk.seeder.js";
import type { TicketFilter } from "../src/modules/tickets/ticket.types.js";
import { User } from "../src/modules/users/user.entity.js";
import { startServer } from "../src/server/start.js";
import { openBenchDatabase, type BenchDatabase } from "./database.js";
import { machineInfo } from "./machine.js";
import { writeSection } from "./results-section.js";

/**
 * A saved view's count (SavedView.count) on the 5,000-ticket demo desk, as an agent: each view's
 * COUNT on its own, then all of them as one statement (what `savedViews { count }` sends). Timed
 * through SavedViewService.counts on the real server's ORM, median of RUNS after a warm-up;
 * statements from the server's counter. Runs on the embedded database, and on a throwaway MariaDB
 * unless BENCH_VIEWS_DATABASES=sqlite. `npm run bench:views` writes the section "saved-view-count".
 */
const RESULTS = process.env.BENCH_RESULTS_FILE ?? join(process.cwd(), "bench", "RESULTS.md");
const DATABASES = (process.env.BENCH_VIEWS_DATABASES ?? "sqlite,mariadb").split(",").map((s) => s.trim()).filter(Boolean);
const RUNS = Number(process.env.BENCH_VIEWS_RUNS ?? 21);
const ADMIN = { email: "bench-admin@deskql.test", password: "bench admin passphrase 42" };
const ACTIVE = ["OPEN", "IN_PROGRESS", "WAITING_ON_CUSTOMER"];

/** Views an agent keeps: the queue's own slices and two narrower ones. */
const VIEWS: { name: string; filter: Record<string, unknown> }[] = [
  { name: "Unassigned, active", filter: { assignee: { unassigned: true }, status: ACTIVE } },
  { name: "Mine, active", filter: { assignee: { me: true }, status: ACTIVE } },
  { name: "SLA breached, active", filter: { slaBreached: true, status: ACTIVE } },
  { name: "Due soon", filter: { slaDueSoon: true, status: ACTIVE } },
  { name: "Urgent or high, last 30 days", filter: { priority: ["URGENT", "HIGH"], createdAfter: new Date(Date.now() - 30 * 86_400_000) } },
  { name: "Search \"printer\"", filter: { search: "printer" } },
  { name: "Everything", filter: {} },
];

const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Figure {
  name: string;
  count: number;
  ms: number;
  statements: number;
}

async function measure(kind: string): Promise<{ database: string; tickets: number; views: Figure[]; all: Figure }> {
  const dir = mkdtempSync(join(tmpdir(), "deskql-bench-views-"));
  let db: BenchDatabase | undefined;
  const server = await (async () => {
    if (kind === "mariadb") db = await openBenchDatabase(process.env.BENCH_DATABASE_URL);
    mkdirSync(join(dir, "data"), { recursive: true });
    return startServer(
      loadConfig({
        NODE_ENV: "development",
        HOST: "127.0.0.1",
        PORT: "0",
        DATA_DIR: join(dir, "data"),
        TLS_CERT_FILE: join(dir, "ssl/cert.pem"),
        TLS_KEY_FILE: join(dir, "ssl/key.pem"),
        ...(db ? { DATABASE_URL: db.url } : {}),
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        CLIENT_DIR: join(dir, "no-client"),
        LOG_LEVEL: "warn",
        JOBS_ENABLED: "false",
      }),
    );
  })();
  try {
    const database = db ? `MariaDB ${db.version}` : "embedded (SQLite, libsql)";
    log(`${database}: seeding the demo desk`);
    await server.orm.getSeeder().seed(DemoDeskSeeder);
    const em = server.orm.em.fork();
    const agent = await em.findOneOrFail(User, { role: Role.AGENT }, { orderBy: { createdAt: "asc" } });
    const tickets = await em.count("Ticket");
    const scope = () => createScope({ em: server.orm.em.fork(), viewer: { userId: agent.id, role: agent.role, sessionId: "bench" }, request: { requestId: "bench", ip: "local", userAgent: null }, clock: server.services.clock });
    const run = async (filters: Record<string, unknown>[]): Promise<{ counts: (number | null)[]; ms: number; statements: number }> => {
      const times: number[] = [];
      let last = { counts: [] as (number | null)[], statements: 0 };
      for (let i = 0; i <= RUNS; i++) {
        const s = scope();
        const measured = await withStatementCount(async () => {
          const t0 = performance.now();
          const counts = await server.services.savedViews.counts(s, filters as TicketFilter[]);
          return { counts, ms: performance.now() - t0, statements: currentStatementCount() ?? 0 };
        });
        if (i > 0) times.push(measured.ms); // the first run warms the caches
        last = measured;
      }
      return { counts: last.counts, ms: median(times), statements: last.statements };
    };
    const views: Figure[] = [];
    for (const view of VIEWS) {
      const r = await run([view.filter]);
      views.push({ name: view.name, count: r.counts[0] ?? -1, ms: r.ms, statements: r.statements });
      log(`${database}: ${view.name}: ${r.counts[0]} tickets, ${r.ms.toFixed(2)} ms, ${r.statements} statement(s)`);
    }
    const all = await run(VIEWS.map((v) => v.filter));
    log(`${database}: all ${VIEWS.length} views: ${all.ms.toFixed(2)} ms, ${all.statements} statement(s)`);
    return { database, tickets, views, all: { name: `all ${VIEWS.length} views at once`, count: all.counts.length, ms: all.ms, statements: all.statements } };
  } finally {
    await server.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const loadBefore = loadavg()[0]!;
  const results = [];
  for (const kind of DATABASES) results.push(await measure(kind));
  const m = machineInfo();
  const md = [
    `## Saved views: a view's live count on the 5,000-ticket desk (${new Date().toISOString().slice(0, 10)})`,
    "",
    `\`npm run bench:views\` on ${m.cpuModel}, ${m.cores} cores, Node ${m.node}; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} at the end (other work shares the cores). The demo desk (DemoDeskSeeder, scale 1, ${results[0]?.tickets ?? 5000} tickets), counted as its first agent through \`SavedViewService.counts\` (the COUNT behind \`SavedView.count\`, the ticket list's own WHERE); median of ${RUNS} runs after one warm-up. The last row is one request's ${VIEWS.length} tabs, sent as one statement of ${VIEWS.length} scalar COUNT subqueries.`,
    "",
    "| database | view | tickets | median | SQL statements |",
    "|---|---|---|---|---|",
    ...results.flatMap((r) => [...r.views, r.all].map((v) => `| ${r.database} | ${v.name} | ${v === r.all ? "—" : v.count} | ${v.ms.toFixed(2)} ms | ${v.statements} |`)),
  ].join("\n");
  writeSection(RESULTS, "saved-view-count", md);
  console.log(md);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
