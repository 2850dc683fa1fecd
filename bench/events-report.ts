import type { FanoutResult, Percentiles } from "./event-fanout.js";
import type { OutageResult, SigtermResult } from "./faults.js";
import type { MachineInfo } from "./machine.js";
import { writeSection } from "./results-section.js";

type Memory = { rssMb: number; heapMb: number; externalMb: number };

export interface EventsReport {
  startedAt: Date;
  seconds: number;
  machine: MachineInfo;
  database: string;
  dataset: Record<string, number>;
  knobs: Record<string, number | string>;
  /** The servers' glibc malloc settings (`npm start`'s unless BENCH_SERVER_ENV changed them). */
  malloc?: string;
  /** The writer added internal notes, not public replies. */
  notes: boolean;
  /** Server CPU per comment with nobody listening, ms. */
  writeCpuMs: number;
  loadBefore: number[];
  loadAfter: number[];
  /** Cores used by other processes during each part (null: /proc could not tell). */
  foreign: Record<string, number | null>;
  /** The 1-minute load average as the SIGTERM and outage parts began. */
  loadAt?: { sigterm: number; outage?: number };
  /** `where`: what grew, MiB, by where it lives (bench/memory-breakdown.ts). */
  memory: { sockets: number; openMs: number; bare: Memory; idle: Memory; subscribed?: Memory; where?: Record<string, number> };
  /** The same sockets on a bare TLS + \`ws\` server (bench/bare-sockets-child.ts), measured in the same run. */
  bareTls?: { sockets: number; bare: Memory; idle: Memory; where?: Record<string, number> };
  /** DeskQL's idle sockets again, on a server with GLIBC_TUNABLES=glibc.malloc.hugetlb=0 (the rest as npm start). */
  noHugePages?: { sockets: number; bare: Memory; idle: Memory; where?: Record<string, number> };
  ticket: FanoutResult;
  /** The ticket fan-out again with the graphql-ws client library as the subscribers (when the main run spoke the protocol directly). */
  ticketLibraryClient?: FanoutResult;
  desk: FanoutResult;
  webhooks: { backlog: number; received: number; distinctIds: number; badSignatures: number; deliveredInLog: number; seconds: number; firstAfterMs: number; perSecond: number; serverCpuMsPerDelivery: number };
  /** Absent when BENCH_EVENTS_FAULTS=false skipped them. */
  sigterm?: SigtermResult;
  outage?: OutageResult;
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "–");
const p = (x: Percentiles) => `${f(x.p50)} / ${f(x.p99)} / ${f(x.max)}`;
const yes = (met: boolean) => (met ? "yes" : "**no**");
const tally = (t: Record<string, number>) => Object.entries(t).map(([k, v]) => `${k} ×${v}`).join(", ") || "none";
const cores = (x: number | null | undefined) => (x === null || x === undefined ? "n/a" : f(x, 2));

export function renderEvents(r: EventsReport): string {
  const out: string[] = [];
  const date = r.startedAt.toISOString().slice(0, 16).replace("T", " ");
  const perThousand = (a: number, b: number) => ((a - b) * 1000) / r.memory.sockets;
  const idleRss = perThousand(r.memory.idle.rssMb, r.memory.bare.rssMb);
  const idleHeap = perThousand(r.memory.idle.heapMb, r.memory.bare.heapMb);
  const idleExternal = perThousand(r.memory.idle.externalMb, r.memory.bare.externalMb);
  const tls = r.bareTls;
  const tlsRss = tls ? ((tls.idle.rssMb - tls.bare.rssMb) * 1000) / tls.sockets : NaN;
  const tlsHeap = tls ? ((tls.idle.heapMb - tls.bare.heapMb) * 1000) / tls.sockets : NaN;
  const grown = (where: Record<string, number> | undefined, sockets: number) =>
    where ? Object.entries(where).map(([k, v]) => `${k} ${v >= 0 ? "+" : ""}${f((v * 1000) / sockets)}`).join(", ") : "n/a";
  const busy = Math.max(...r.loadBefore.slice(0, 1), ...r.loadAfter.slice(0, 1));
  out.push(`## Events out: subscriptions, webhooks, shutdown and outages (${date} UTC)`, "");
  out.push(
    `Written by \`npm run bench:events\` (bench/events.ts) in ${Math.round(r.seconds)} s; the full \`npm run bench\` keeps this section. ` +
      `${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryGb} GB, Node ${r.machine.node}, ${r.database}; the demo desk (${Object.entries(r.dataset).map(([k, v]) => `${int(v)} ${k}`).join(", ")}). ` +
      `The server runs in a child process (NODE_ENV=production, ${r.malloc ?? "the malloc settings of `npm start`"}); the graphql-ws sockets (${r.knobs.client === "graphql-ws" ? "the graphql-ws client library over ws" : "the graphql-transport-ws protocol spoken directly over ws, each message parsed and checked: bench/live-sockets.ts; BENCH_EVENTS_CLIENT=graphql-ws uses the client library"}, TLS) in ` +
      `${r.ticket.clientProcesses ?? 1} subscriber process${(r.ticket.clientProcesses ?? 1) > 1 ? "es" : ""} of their own (bench/socket-fleet.ts: arrivals stamped there, their CPU measured apart), the writers and the webhook receiver in the harness process, all on the same two cores.`,
    "",
    `**Machine load**: load average ${r.loadBefore.map((x) => x.toFixed(1)).join("/")} before and ${r.loadAfter.map((x) => x.toFixed(1)).join("/")} after (1/5/15 min); other processes used ${cores(r.foreign.ticket)} cores during the ticket fan-out, ${cores(r.foreign.desk)} during the desk's, ${cores(r.foreign.webhooks)} during the webhook drain${r.loadAt ? `; the 1-minute load average was ${f(r.loadAt.sigterm)} as the SIGTERM run began and ${f(r.loadAt.outage ?? NaN)} as the outage began` : ""}${busy > 2 ? " — **a busy machine: latencies are inflated by other work**" : ""}.`,
    "",
  );

  out.push("| subscribers | latency from commit p50 / p99 / max ms | first arrival per event, from commit, p50 / p99 ms | first to last arrival per event p50 / p99 ms | subscribers' CPU per event ms | from the mutation's departure p50 / p99 / max ms | mutation round trip p50 / p99 ms | events committed/s (writers) | deliveries/s | delivered / expected | from commit p99 under load ms | server CPU ms per event (per delivery) | server loop delay p99 ms |");
  out.push("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
  const rows: [string, FanoutResult][] = [[`ticketEvents, ${r.ticket.sockets} sockets on one ticket`, r.ticket]];
  if (r.ticketLibraryClient) rows.push([`ticketEvents, ${r.ticketLibraryClient.sockets} sockets, the subscribers on the graphql-ws client library`, r.ticketLibraryClient]);
  rows.push([`deskEvents, ${r.desk.sockets} staff sockets`, r.desk]);
  for (const [label, x] of rows) {
    const t = x.throughput;
    out.push(
      `| ${label} | ${p(x.fromCommitMs)} | ${x.firstFromCommitMs ? `${f(x.firstFromCommitMs.p50)} / ${f(x.firstFromCommitMs.p99)}` : "–"} | ${x.spreadMs ? `${f(x.spreadMs.p50)} / ${f(x.spreadMs.p99)}` : "–"} | ${f(x.clientCpuMsPerEvent ?? NaN)} | ${p(x.fromDepartureMs)} | ${f(x.mutationMs.p50)} / ${f(x.mutationMs.p99)} | ${f(t.committedPerSecond)} (${t.writers}) | ${int(t.deliveredPerSecond)} | ${int(t.delivered)} / ${int(t.expected)} | ${f(t.fromCommitMs.p99)} | ${f(x.serverCpuMsPerEvent, 2)} (${f((x.serverCpuMsPerEvent - r.writeCpuMs) / x.sockets, 3)}) | ${f(x.serverLoopDelayP99Ms)} |`,
    );
  }
  out.push("");
  for (const [label, x] of [["ticketEvents", r.ticket], ["ticketEvents (graphql-ws client library)", r.ticketLibraryClient], ["deskEvents", r.desk]] as const) {
    if (!x) continue;
    if (x.resubscribed) out.push(`- ${label}: ${x.resubscribed} subscriptions were refused SERVICE_UNAVAILABLE at set-up (a database deadline under this load) and sent again, as clients do.`);
    if (Object.keys(x.refusals).length) out.push(`- ${label}: the writer was answered 503 (and retried) ${tally(x.refusals)}.`);
    for (const e of x.errors.slice(0, 5)) out.push(`- ${label}: ${e}`);
  }
  out.push(
    `Latency phase: ${r.knobs.warmupEvents ?? 0} comments heard everywhere first and not counted (warm-up), then ${r.ticket.events} comments one at a time (each awaited on every socket, ${r.ticket.fromCommitMs.n} and ${r.desk.fromCommitMs.n} arrivals); "from commit" is the arrival time minus the moment the server announced the commit (bench/events-server-child.ts stamps it before any subscriber hears it; one clock)${r.ticket.fromRaiseMs ? `; from the event's \`occurredAt\` instead, stamped when it was raised inside the transaction (before the transaction's other work and its commit), p50 / p99 would be ${f(r.ticket.fromRaiseMs.p50)} / ${f(r.ticket.fromRaiseMs.p99)} ms (ticket) and ${f(r.desk.fromRaiseMs.p50)} / ${f(r.desk.fromRaiseMs.p99)} ms (desk)` : ""}. It includes the subscriber processes' time to read ${r.ticket.sockets} frames (their CPU per event is its own column; the first arrival is the server's path to its first write plus one client's read, the first-to-last spread the server writing every socket while the clients read theirs). ` +
      `Server CPU per event is the comment's write and its fan-out together (both phases); a comment with nobody listening costs ${f(r.writeCpuMs, 2)} ms, and the figure in brackets is the rest divided by the sockets: the server's cost of one delivery. ` +
      `The comments are ${r.notes ? "internal notes (BENCH_EVENTS_NOTES=true)" : "public agent replies"}. ` +
      `Throughput phase: ${r.ticket.throughput.writers} writers adding comments back to back for ${r.ticket.throughput.seconds} s; every committed comment must reach every socket (delivered / expected).`,
    "",
  );

  const w = r.webhooks;
  out.push("| webhook deliveries to a loopback receiver | figure |", "|---|--:|");
  out.push(
    `| backlog drained after \`updateWebhook(enabled: true)\` | ${int(w.backlog)} deliveries |`,
    `| first delivery after re-enabling | ${f(w.firstAfterMs)} ms |`,
    `| deliveries per second (distinct webhook-ids / time to the last) | **${f(w.perSecond)}** |`,
    `| requests received / distinct webhook-ids / bad signatures (standardwebhooks) / DELIVERED in the log | ${int(w.received)} / ${int(w.distinctIds)} / ${w.badSignatures} / ${int(w.deliveredInLog)} |`,
    `| server CPU per delivery | ${f(w.serverCpuMsPerDelivery, 2)} ms |`,
    "",
  );

  const s = r.sigterm;
  const o = r.outage;
  if (!s || !o) out.push("Shutdown and outage: not measured in this run (`BENCH_EVENTS_FAULTS=false`).", "");
  else out.push("| shutdown and outage (the production entry point, dist/src/main.js) | figure |", "|---|--:|");
  if (s && o) out.push(
    `| SIGTERM with ${s.inFlight} agent queue reads (Q1) in flight (each on its own connection, all sent; the seeded desk): answers | ${tally(s.statuses)} |`,
    `| SIGTERM → last answer | ${f(s.sigtermToLastAnswerMs, 0)} ms |`,
    `| last answer → process exit | **${f(s.lastAnswerToExitMs, 0)} ms** (exit code ${s.exitCode}) |`,
    `| SIGTERM → process exit | ${f(s.sigtermToExitMs, 0)} ms |`,
    `| MariaDB (a server of its own) killed with SIGKILL → first 503 to a ticket query | **${f(o.killToFirst503Ms, 0)} ms** (Retry-After ${o.retryAfter ?? "missing"}; before it: ${tally(o.beforeFirst503)}) |`,
    `| MariaDB killed → /ready answers 503 | ${f(o.killToReady503Ms, 0)} ms |`,
    `| answers while it was down | ${tally(o.duringOutage)}; p99 ${f(o.outageAnswerP99Ms, 0)} ms |`,
    `| MariaDB restarted: accepting connections after | ${f(o.databaseRestartMs, 0)} ms |`,
    `| MariaDB accepting connections → first success | **${f(o.databaseBackToFirstSuccessMs, 0)} ms** (${f(o.restartBeganToFirstSuccessMs, 0)} ms from the restart's start) |`,
    "",
  );

  const ticketP99 = r.ticket.fromCommitMs.p99;
  const allDelivered = [r.ticket, r.desk].every((x) => x.throughput.delivered === x.throughput.expected && !x.errors.length);
  out.push("| target | measured | met |", "|---|---|:-:|");
  out.push(
    `| p99 commit-to-subscriber < 50 ms at 1,000 subscribers (issue 16) | ${f(ticketP99)} ms at ${r.ticket.sockets} (${f(r.ticket.throughput.fromCommitMs.p99)} ms under ${f(r.ticket.throughput.committedPerSecond)} commits/s)${r.ticketLibraryClient ? `; with the graphql-ws client library reading (${f(r.ticketLibraryClient.clientCpuMsPerEvent ?? NaN)} against ${f(r.ticket.clientCpuMsPerEvent ?? NaN)} ms of subscriber CPU per event on the same two cores): ${f(r.ticketLibraryClient.fromCommitMs.p99)} ms` : ""} | ${yes(ticketP99 < 50)} |`,
    `| 1,000 idle sockets < 30 MB (issue 16) | RSS +${f(idleRss)} MB (JS heap +${f(idleHeap)} MB, external +${f(idleExternal)} MB) per 1,000 (${r.memory.sockets} opened in ${f(r.memory.openMs / 1000)} s${r.memory.subscribed ? `; subscribed to one ticket: RSS ${f(r.memory.subscribed.rssMb)} MB, heap ${f(r.memory.subscribed.heapMb)} MB` : ""}); the same sockets on bare TLS + \`ws\`: RSS +${f(tlsRss)} MB (heap +${f(tlsHeap)} MB), ${ownShare(idleRss, tlsRss)} | ${yes(idleRss < 30)} |`,
    ...(r.noHugePages
      ? [`| 1,000 idle sockets < 30 MB, without huge pages for malloc (GLIBC_TUNABLES=glibc.malloc.hugetlb=0, the rest as npm start; a second DeskQL server, same run) | RSS +${f(((r.noHugePages.idle.rssMb - r.noHugePages.bare.rssMb) * 1000) / r.noHugePages.sockets)} MB (JS heap +${f(((r.noHugePages.idle.heapMb - r.noHugePages.bare.heapMb) * 1000) / r.noHugePages.sockets)} MB) per 1,000; what grew: ${grown(r.noHugePages.where, r.noHugePages.sockets)} | ${yes(((r.noHugePages.idle.rssMb - r.noHugePages.bare.rssMb) * 1000) / r.noHugePages.sockets < 30)} |`]
      : []),
    `| every event reaches every subscriber | ${allDelivered ? "all delivered, none twice" : [`${int(r.ticket.throughput.delivered)} of ${int(r.ticket.throughput.expected)} and ${int(r.desk.throughput.delivered)} of ${int(r.desk.throughput.expected)}`, ...r.ticket.errors, ...r.desk.errors].slice(0, 4).join("; ")} | ${yes(allDelivered)} |`,
    `| every webhook delivered once per event, signed | ${int(w.distinctIds)} of ${int(w.backlog)}, ${w.badSignatures} bad signatures | ${yes(w.distinctIds === w.backlog && w.badSignatures === 0)} |`,
    s ? `| exit within 1 s of the last answer, all ${s.inFlight} answered (issue 23) | ${f(s.lastAnswerToExitMs, 0)} ms, ${s.answered} of ${s.inFlight} answered, exit ${s.exitCode} | ${yes(s.lastAnswerToExitMs <= 1000 && s.answered === s.inFlight && s.exitCode === 0)} |` : "| exit within 1 s of the last answer (issue 23) | not measured in this run | – |",
    "",
  );
  const reasons: string[] = [];
  if (!(ticketP99 < 50)) {
    const perDelivery = (r.ticket.serverCpuMsPerEvent - r.writeCpuMs) / r.ticket.sockets;
    const x = r.ticket;
    reasons.push(
      `**Why the latency target is missed**: per event, the first socket hears it ${x.firstFromCommitMs ? `${f(x.firstFromCommitMs.p50)} ms (p50; p99 ${f(x.firstFromCommitMs.p99)}) after the commit` : "–"} and the last ${x.spreadMs ? `${f(x.spreadMs.p50)} ms (p50; p99 ${f(x.spreadMs.p99)}) after the first` : "–"}. ` +
        `In that spread the server writes ${x.sockets} frames (about ${f(perDelivery, 3)} ms of its CPU per delivery, ${f(perDelivery * x.sockets, 0)} ms per event) while the subscriber processes read them (${f(x.clientCpuMsPerEvent ?? NaN)} ms of their CPU per event, ${x.clientProcesses ?? 1} process${(x.clientProcesses ?? 1) > 1 ? "es" : ""}), ` +
        `all on two cores that other processes used ${cores(r.foreign.ticket)} of during the measurement; before the first write the event waits behind the rest of the writing request and whatever else the server's loop runs (loop delay p99 ${f(x.serverLoopDelayP99Ms)} ms). ` +
        "Each event is executed once per operation and viewer class and its serialized result written to every socket of the class (src/server/subscription-fanout.ts).",
    );
  }
  if (!(idleRss < 30)) {
    const hugePages = /hugetlb=1/.test(r.malloc ?? "");
    reasons.push(
      `**Why the memory target is missed**: the same 1,000 sockets on a bare TLS server with \`ws\` and nothing else (bench/bare-sockets-child.ts, Node's https with the same certificate and options, measured in the same run) cost RSS +${f(tlsRss)} MB, ${tlsRss >= 30 ? "more than the target by themselves" : "within the target"}; ${ownShare(idleRss, tlsRss)} (JS heap +${f(idleHeap)} MB against the baseline's +${f(tlsHeap)} MB). ` +
        `What grew, MB per 1,000: DeskQL ${grown(r.memory.where, r.memory.sockets)}; bare TLS + ws ${grown(tls?.where, tls?.sockets ?? 1)}. ` +
        (hugePages
          ? "Most of it is huge pages, not TLS state: `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` (set by `npm start` for argon2's 19 MiB blocks) makes glibc ask for transparent huge pages on its main arena too, so every 2 MiB of heap that the handshakes' allocations reach becomes resident whole, touched or not. `node dist/bench/socket-memory.js` (bench/socket-memory.ts) measures TCP, TLS and TLS + ws connections with and without it. "
          : "") +
        (r.noHugePages
          ? `Without them (the row above) glibc's main arena still grew by ${f(((r.noHugePages.where?.["malloc main arena ([heap])"] ?? NaN) * 1000) / r.noHugePages.sockets)} MB per 1,000 sockets: each TLS connection's OpenSSL and Node TLS-wrapper state, about 30 KB, where a plain TCP connection costs under 1 KB (bench/socket-memory.ts). In-process TLS alone is about the target; a TLS-terminating proxy in front (nginx, Caddy, an ingress) moves it out of the server. `
          : "") +
        "What was reduced of ours: one keep-alive timer for all sockets instead of an interval per socket; no socket keeps its upgrade's ServerResponse, Fastify request and reply or their child logger (src/server/graphql-ws-handler.ts); `ws` runs without permessage-deflate (its server default).",
    );
  }
  if (reasons.length) out.push(...reasons.flatMap((x) => [x, ""]));
  return out.join("\n");
}

/** DeskQL's idle-socket figure against the bare TLS + ws server's, in words. */
function ownShare(deskql: number, bare: number): string {
  if (!Number.isFinite(bare)) return "";
  if (deskql >= bare) return `so DeskQL's own share is ${f(deskql - bare)} MB and the whole ${f(deskql / bare, 2)}× the baseline`;
  return `so DeskQL's figure is ${f(bare - deskql)} MB below the baseline's (its process reuses heap freed by earlier work; the baseline starts empty)`;
}

export function writeEventsSection(file: string, report: EventsReport): void {
  writeSection(file, "events", renderEvents(report));
}
