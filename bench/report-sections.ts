import type { ColdStart } from "./cold-start.js";
import type { Measurement } from "./measure.js";
import type { MemoryBreakdown } from "./memory-breakdown.js";
import type { ScenarioSummary } from "./report.js";
import type { CapturedRequest } from "./sql-capture.js";
import { median, medianOf } from "./stats.js";

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "–");

/** The round-by-round ratio of `a` over `b` for `pick`, median: both run one after the other in every round. */
export function pairedRatio(a: Measurement[], b: Measurement[], pick: (m: Measurement) => number | null): number {
  const rounds = a.slice(0, b.length).map((m, i) => (pick(m) ?? NaN) / (pick(b[i]!) ?? NaN)).filter(Number.isFinite);
  return rounds.length ? median(rounds) : NaN;
}

/**
 * DeskQL, the lean peer and the hand-written limit on the same answers, with every cost per
 * request beside its throughput: what the database spends (MariaDB's CPU, statements) must be
 * at least as low for B1 as for DeskQL, so the throughput ratio measures the GraphQL stack.
 */
export function sideBySide(summaries: ScenarioSummary[]): string {
  const by = (id: string) => summaries.find((s) => s.id === id && s.closed.length);
  const out = [
    "## DeskQL, the lean peer (B2) and the limit (B1) side by side",
    "",
    "Per request, medians of the maximum-throughput rounds; the ratios are the median of each round's ratio to B1 (every row ran in every round, one after the other). p99 at a fixed rate: every server of a query at DeskQL's 70% rate.",
    "",
    "| query | server | req/s | vs B1 | Node CPU ms | vs B1 | DB CPU ms | SQL statements (server / DB) | load-gen CPU ms | p50 / p99 ms | p99 ms at DeskQL's 70% | vs B1 |",
    "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const q of ["Q1", "Q2"]) {
    const base = by(`B1-${q}`);
    for (const [id, name] of [[q, "DeskQL"], [`B2-${q}`, "B2 Mercurius + graphql-jit"], [`B1-${q}`, "B1 hand-written"]] as const) {
      const s = by(id);
      if (!s) continue;
      const c = s.closed;
      const rpsRatio = base ? pairedRatio(c, base.closed, (m) => m.load.rps) : NaN;
      const cpuRatio = base ? pairedRatio(c, base.closed, (m) => m.nodeCpuMsPerRequest) : NaN;
      const p99Fixed = medianOf(s.fixed, (m) => m.load.latencyMs.p99);
      const baseFixed = base ? medianOf(base.fixed, (m) => m.load.latencyMs.p99) : NaN;
      out.push(
        `| ${q} | ${name} | ${int(medianOf(c, (m) => m.load.rps))} | ${id.startsWith("B1") ? "1" : f(rpsRatio, 2)} | ${f(medianOf(c, (m) => m.nodeCpuMsPerRequest), 2)} | ${id.startsWith("B1") ? "1" : f(cpuRatio, 2)} | ` +
          `${f(medianOf(c, (m) => m.dbCpuMsPerRequest), 2)} | ${f(medianOf(c, (m) => m.statementsPerRequest), 2)} / ${f(medianOf(c, (m) => m.questionsPerRequest), 2)} | ${f(medianOf(c, (m) => m.clientCpuMsPerRequest), 2)} | ` +
          `${f(medianOf(c, (m) => m.load.latencyMs.p50))} / ${f(medianOf(c, (m) => m.load.latencyMs.p99))} | ${s.fixed.length ? `${f(p99Fixed)} @ ${int(s.fixedRate ?? NaN)}/s` : "–"} | ${id.startsWith("B1") ? "1" : f(p99Fixed / baseFixed, 2)} |`,
      );
    }
  }
  return out.join("\n");
}

/** Every statement each server sent for one Q1 and one Q2, priced alone on an idle connection. */
export function statementsSection(captured: CapturedRequest[]): string {
  const out = [
    "## Every statement, priced alone",
    "",
    "Each server was asked one Q1 and one Q2 (the same ticket) with MariaDB's general log on; every statement it sent was then run alone on the harness's connection (median of 15, so a busy machine inflates all alike) with the rows the storage engine read for it. The statements themselves are in `bench/.runs/statements.sql`.",
    "",
    "| query | server | statements | time alone, ms (each) | sum ms | rows read (each) |",
    "|---|---|--:|---|--:|---|",
  ];
  const names: Record<string, string> = { main: "DeskQL", b1: "B1", b2: "B2" };
  for (const q of ["Q1", "Q2"]) {
    for (const r of captured.filter((x) => x.scenario === q)) {
      const sum = r.statements.reduce((a, s) => a + s.ms, 0);
      out.push(`| ${q} | ${names[r.server] ?? r.server} | ${r.statements.length} | ${r.statements.map((s) => f(s.ms, 2)).join(" + ")} | ${f(sum, 2)} | ${r.statements.map((s) => int(s.rowsRead)).join(" + ")} |`);
    }
  }
  return out.join("\n");
}

/** RSS of the main server round by round, at the end, and where it is. */
export function memorySection(summaries: ScenarioSummary[], end: MemoryBreakdown, afterGc: MemoryBreakdown, baselines: Record<string, MemoryBreakdown>): string {
  const main = summaries.filter((s) => s.server === "main" && s.closed.length);
  const rounds = Math.max(0, ...main.map((s) => s.closed.length));
  const out = ["## Memory", ""];
  const peaks = Array.from({ length: rounds }, (_, i) => Math.max(...main.map((s) => s.closed[i]?.rssMb ?? 0)));
  out.push(`The main server's RSS after each round's maximum-throughput runs (peak of the round): ${peaks.map((p, i) => `round ${i + 1} ${int(p)} MB`).join(", ")}.`, "");
  const rows: [string, MemoryBreakdown][] = [["DeskQL at the end of the run", end], ["DeskQL after a full GC", afterGc], ...Object.entries(baselines)];
  const keys = [...new Set(rows.flatMap(([, m]) => Object.keys(m.resident)))].sort((a, b) => (end.resident[b] ?? 0) - (end.resident[a] ?? 0));
  out.push(`| MiB | ${rows.map(([label]) => label).join(" | ")} |`, `|---|${rows.map(() => "--:").join("|")}|`);
  out.push(`| **RSS** | ${rows.map(([, m]) => `**${f(m.rssMb)}**`).join(" | ")} |`);
  out.push(`| V8 heap used / total | ${rows.map(([, m]) => `${f(m.heapUsedMb)} / ${f(m.heapTotalMb)}`).join(" | ")} |`);
  // Older results.json files have no per-generation figures.
  const generation = (g?: { committed: number; used: number }) => (g ? `${f(g.used)} / ${f(g.committed)}` : "–");
  out.push(`| of which young generation, used / committed | ${rows.map(([, m]) => generation(m.youngMb)).join(" | ")} |`);
  out.push(`| of which old generation, code and large objects, used / committed | ${rows.map(([, m]) => generation(m.oldMb)).join(" | ")} |`);
  out.push(`| external / of which ArrayBuffers | ${rows.map(([, m]) => `${f(m.externalMb)} / ${f(m.arrayBuffersMb)}`).join(" | ")} |`);
  for (const key of keys) out.push(`| resident: ${key} | ${rows.map(([, m]) => f(m.resident[key] ?? 0)).join(" | ")} |`);
  out.push(`| argon2id blocks held | ${rows.map(([, m]) => String(m.argon2Blocks)).join(" | ")} |`);
  out.push(
    "",
    "Resident memory from `/proc/<pid>/smaps` (each mapping's Rss, classified by `bench/memory-breakdown.ts`) and `process.memoryUsage()`, asked over the benchmark's IPC channel. V8's heap pages are anonymous mappings, so they are inside \"other anonymous\"; the heap's committed size is the row above it.",
  );
  return out.join("\n");
}

export function coldStartSection(starts: ColdStart[]): string {
  const out = ["## Cold start", "", "From spawning `node dist/src/main.js` (the production entry point, as `npm start` runs it after its build) to the first 200 from `/ready`, polled every 10 ms. On a machine whose other work leaves this process a fraction of a core the wall time is mostly waiting for a core; the CPU time it used by then is the steadier figure.", "", "| start | to /ready (wall) | CPU used by then | RSS at ready |", "|---|--:|--:|--:|"];
  for (const s of starts) out.push(`| ${s.label} | ${s.readyMs === null ? "never (see bench/.runs/cold-*.log)" : `${int(s.readyMs)} ms`} | ${s.cpuMs === null ? "–" : `${int(s.cpuMs)} ms`} | ${s.rssMb === null ? "–" : `${int(s.rssMb)} MB`} |`);
  return out.join("\n");
}
