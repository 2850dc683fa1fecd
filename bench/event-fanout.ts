import { request, Agent } from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import type { ServerProcess } from "./server-process.js";
import { wallNow, type Arrival } from "./live-sockets.js";
import type { SocketFleet } from "./socket-fleet.js";

/**
 * Commit-to-subscriber latency and delivered events per second for one group of subscribed
 * sockets: a writer adds comments over HTTPS, and each socket's arrival (stamped in the
 * subscribers' own processes, socket-fleet.ts) is timed against the event's `occurredAt`
 * (stamped in the writing transaction, just before its commit; one machine, one clock) and
 * against the mutation's departure.
 */
export interface FanoutResult {
  sockets: number;
  /** Latency phase: one comment at a time, each awaited on every socket. */
  events: number;
  fromCommitMs: Percentiles;
  /** The same arrivals from the event's `occurredAt`, stamped when it was raised inside the writing transaction (before the rest of it and its commit). */
  fromRaiseMs: Percentiles;
  /** Per event: its first arrival on any socket, from commit (the server's path to the first write and one client's read). */
  firstFromCommitMs: Percentiles;
  /** Per event: its last arrival minus its first (the server writing every socket, the clients reading theirs). */
  spreadMs: Percentiles;
  fromDepartureMs: Percentiles;
  /** The mutation's own round trip, for reading the figure above. */
  mutationMs: Percentiles;
  /** Throughput phase: writers closed-loop for `seconds`. */
  throughput: { seconds: number; writers: number; committed: number; committedPerSecond: number; delivered: number; expected: number; deliveredPerSecond: number; fromCommitMs: Percentiles };
  /** Server CPU per committed comment, its write and its fan-out to every socket (both phases), ms. */
  serverCpuMsPerEvent: number;
  /** Latency phase: CPU of the subscriber processes per event, ms (reading, decrypting and parsing every socket's frame). */
  clientCpuMsPerEvent: number;
  /** Subscriber processes the sockets were spread over. */
  clientProcesses: number;
  serverLoopDelayP99Ms: number;
  /** Subscriptions refused SERVICE_UNAVAILABLE at set-up and sent again. */
  resubscribed: number;
  /** The writer's 503 answers (retried) during this measurement, by code. */
  refusals: Record<string, number>;
  errors: string[];
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

export function percentiles(values: number[]): Percentiles {
  const v = [...values].sort((a, b) => a - b);
  const at = (p: number) => v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))] ?? NaN;
  return { p50: at(50), p99: at(99), max: v.at(-1) ?? NaN, n: v.length };
}

export interface Writer {
  /** Adds a comment to `ticketId`; resolves with the comment's id once answered (a 503 is retried, as clients do). */
  comment(ticketId: string, body: string): Promise<string>;
  /** 503 answers retried so far, with their codes. */
  readonly refusals: Record<string, number>;
  close(): void;
}

const ADD_COMMENT = `mutation BenchLiveComment($i: AddCommentInput!) { addComment(input: $i) { id } }`;

/** A writer over its own keep-alive HTTPS connections (`connections` of them); public replies, or internal notes. */
export function httpsWriter(port: number, ca: Buffer, token: string, connections: number, internal = false): Writer {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, ca, servername: "localhost" });
  const refusals: Record<string, number> = {};
  const once = (ticketId: string, body: string) =>
      new Promise<{ id: string } | { retry: string }>((resolve, reject) => {
        const req = request(
          { host: "127.0.0.1", port, path: "/graphql", method: "POST", agent, headers: { "content-type": "application/json", authorization: `Bearer ${token}` } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
              const text = Buffer.concat(chunks).toString("utf8");
              const parsed = JSON.parse(text) as { data?: { addComment?: { id: string } }; errors?: { extensions?: { code?: string } }[] };
              const id = parsed.data?.addComment?.id;
              if (res.statusCode === 200 && id) resolve({ id });
              else if (res.statusCode === 503) resolve({ retry: parsed.errors?.[0]?.extensions?.code ?? "503" });
              else reject(new Error(`addComment failed (${res.statusCode}): ${text.slice(0, 300)}`));
            });
          },
        );
        req.on("error", reject);
        req.end(JSON.stringify({ query: ADD_COMMENT, variables: { i: { subjectId: ticketId, body, internal } } }));
      });
  return {
    refusals,
    async comment(ticketId, body) {
      for (let attempt = 1; ; attempt++) {
        const result = await once(ticketId, body);
        if ("id" in result) return result.id;
        refusals[result.retry] = (refusals[result.retry] ?? 0) + 1;
        if (attempt === 20) throw new Error(`addComment answered 503 ${result.retry} twenty times`);
        await sleep(250);
      }
    },
    close: () => agent.destroy(),
  };
}

/** Server CPU per comment with nobody listening: what measureFanout's figure is compared with. */
export async function writeCost(server: ServerProcess, writer: Writer, ticketFor: (n: number) => string, comments: number): Promise<number> {
  await writer.comment(ticketFor(0), "Warm-up reply.");
  const before = await server.snapshot();
  for (let n = 0; n < comments; n++) await writer.comment(ticketFor(n), `Unheard reply ${n}: we are looking into it.`);
  return ((await server.snapshot()).cpuMs - before.cpuMs) / comments;
}

export async function measureFanout(options: {
  server: ServerProcess;
  sockets: SocketFleet;
  clientProcesses: number;
  /** When each event committed on the server, by event id, ms since the epoch (events-server-child.ts); `occurredAt` where it has none. */
  commitTimes(): Map<string, number>;
  query: string;
  variables: Record<string, unknown>;
  writer: Writer;
  /** The ticket each comment goes to, by its sequence number. */
  ticketFor(n: number): string;
  latencyEvents: number;
  /** Events written (each heard everywhere) before the measured ones: the sockets' first events run colder paths. */
  warmupEvents: number;
  seconds: number;
  writers: number;
  log(message: string): void;
}): Promise<FanoutResult> {
  const { sockets, writer, ticketFor, log } = options;
  const errors: string[] = [];
  const refusedBefore = { ...writer.refusals };
  // Arrivals of comment.added events, by comment id; the other events (a reply moving the ticket) are counted apart.
  const byComment = new Map<string, Arrival[]>();
  let others = 0;
  // The same event twice on one socket is a fault, counted apart.
  const heard = new Set<string>();
  let duplicates = 0;
  let resubscribed = 0;
  await sockets.subscribe(options.query, options.variables, {
    onArrival(arrival) {
      const key = `${arrival.socket}:${arrival.event.id}`;
      if (heard.has(key)) {
        duplicates++;
        return;
      }
      heard.add(key);
      if (arrival.event.type !== "comment.added") {
        others++;
        return;
      }
      const list = byComment.get(arrival.event.target.id) ?? [];
      if (!byComment.has(arrival.event.target.id)) byComment.set(arrival.event.target.id, list);
      list.push(arrival);
    },
    onError: (socket, text) => void (errors.length < 20 && errors.push(`socket ${socket}: ${text}`)),
    onRetry: () => void resubscribed++,
  });
  // Whether every socket heard a comment; the arrivals themselves come with `sockets.flush()` (socket-fleet.ts).
  const everywhere = (commentId: string, timeoutMs: number): Promise<boolean> => sockets.heardEverywhere(commentId, timeoutMs);

  try {
    // The subscriptions are live once a probe comment reaches every socket (subscribe is asynchronous on the server).
    let probe = 0;
    for (;;) {
      const id = await writer.comment(ticketFor(probe++), "Probe: is every socket listening?");
      if (await everywhere(id, 2_000)) break;
      await sockets.flush();
      if (probe > 20) throw new Error(`after ${probe} probes, ${byComment.get(id)?.length ?? 0} of ${sockets.size} sockets heard the last one; errors: ${errors.join("; ")}`);
    }
    // Warm-up: the first events after subscribing took up to twice as long to spread (40 against
    // 20 ms, seen at 1,000 sockets), while the subscribers' and the server's fresh paths settled.
    for (let n = 0; n < options.warmupEvents; n++) {
      const id = await writer.comment(ticketFor(n), `Warm-up reply ${n}.`);
      if (!(await everywhere(id, 10_000))) errors.push(`warm-up comment ${n}: not every socket heard it within 10 s`);
    }
    await sockets.flush();
    const before = await options.server.snapshot();
    const clientBefore = await sockets.cpuMs();

    const fromDeparture: number[] = [];
    const mutation: number[] = [];
    const sampled: { id: string; departed: number }[] = [];
    for (let n = 0; n < options.latencyEvents; n++) {
      const departed = wallNow();
      const id = await writer.comment(ticketFor(n), `Live reply ${n}: we are looking into it.`);
      mutation.push(wallNow() - departed);
      if (!(await everywhere(id, 10_000))) errors.push(`comment ${n}: not every socket heard it within 10 s`);
      sampled.push({ id, departed });
      await sleep(20); // lets the server's and the sockets' buffers settle between samples
    }
    const clientCpuMsPerEvent = ((await sockets.cpuMs()) - clientBefore) / options.latencyEvents;
    await sockets.flush();
    for (const { id, departed } of sampled) for (const a of byComment.get(id) ?? []) fromDeparture.push(a.at - departed);
    let commits = options.commitTimes();
    const commitOf = (a: Arrival) => commits.get(a.event.id) ?? Date.parse(a.event.occurredAt);
    const [fromCommit, fromRaise, firstFromCommit, spread]: number[][] = [[], [], [], []];
    for (const { id } of sampled) {
      const arrived = byComment.get(id) ?? [];
      if (!arrived.length) continue;
      for (const a of arrived) {
        fromCommit.push(a.at - commitOf(a));
        fromRaise.push(a.at - Date.parse(a.event.occurredAt));
      }
      const times = arrived.map((a) => a.at);
      const [first, last] = [Math.min(...times), Math.max(...times)];
      firstFromCommit.push(first - commitOf(arrived[0]!));
      spread.push(last - first);
    }
    log(`  latency: ${options.latencyEvents} events × ${sockets.size} sockets, from commit p50 ${percentiles(fromCommit).p50.toFixed(1)} ms, p99 ${percentiles(fromCommit).p99.toFixed(1)} ms; first arrival p50 ${percentiles(firstFromCommit).p50.toFixed(1)} ms, first-to-last p50 ${percentiles(spread).p50.toFixed(1)} ms; from the raise (occurredAt) p50 ${percentiles(fromRaise).p50.toFixed(1)} ms; subscriber CPU ${clientCpuMsPerEvent.toFixed(1)} ms per event`);

    // Throughput: closed-loop writers; every committed comment must reach every socket.
    const ids: string[] = [];
    const startedAt = wallNow();
    const endAt = Date.now() + options.seconds * 1000;
    let seq = options.latencyEvents;
    await Promise.all(
      Array.from({ length: options.writers }, async () => {
        while (Date.now() < endAt) ids.push(await writer.comment(ticketFor(seq++), `Busy reply ${seq}: more details soon.`));
      }),
    );
    const committedAt = wallNow();
    const expected = ids.length * sockets.size;
    const count = () => ids.reduce((n, id) => n + (byComment.get(id)?.length ?? 0), 0);
    const drainDeadline = Date.now() + 30_000;
    for (const id of ids) if (!(await everywhere(id, Math.max(0, drainDeadline - Date.now())))) break;
    await sockets.flush();
    const got = count();
    const arrivals = ids.flatMap((id) => byComment.get(id) ?? []);
    const lastArrival = arrivals.reduce((latest, a) => Math.max(latest, a.at), committedAt);
    commits = options.commitTimes();
    const after = await options.server.snapshot();
    if (duplicates) errors.push(`${duplicates} events arrived twice on the same socket`);
    if (got < expected) errors.push(`throughput: ${expected - got} of ${expected} deliveries missing 30 s after the last commit`);
    const throughput = {
      seconds: options.seconds,
      writers: options.writers,
      committed: ids.length,
      committedPerSecond: ids.length / ((committedAt - startedAt) / 1000),
      delivered: got,
      expected,
      deliveredPerSecond: got / ((lastArrival - startedAt) / 1000),
      fromCommitMs: percentiles(arrivals.map((a) => a.at - commitOf(a))),
    };
    log(`  throughput: ${ids.length} comments in ${options.seconds} s (${throughput.committedPerSecond.toFixed(1)}/s), ${got} of ${expected} deliveries (${Math.round(throughput.deliveredPerSecond)}/s), from commit p99 ${throughput.fromCommitMs.p99.toFixed(1)} ms; ${others} other events heard`);
    return {
      sockets: sockets.size,
      events: options.latencyEvents,
      fromCommitMs: percentiles(fromCommit),
      fromRaiseMs: percentiles(fromRaise),
      firstFromCommitMs: percentiles(firstFromCommit),
      spreadMs: percentiles(spread),
      fromDepartureMs: percentiles(fromDeparture),
      mutationMs: percentiles(mutation),
      throughput,
      serverCpuMsPerEvent: (after.cpuMs - before.cpuMs) / (options.latencyEvents + ids.length),
      clientCpuMsPerEvent,
      clientProcesses: options.clientProcesses,
      serverLoopDelayP99Ms: after.eventLoopDelay.p99,
      resubscribed,
      refusals: Object.fromEntries(Object.entries(writer.refusals).map(([k, v]) => [k, v - (refusedBefore[k] ?? 0)]).filter(([, v]) => Number(v) > 0)),
      errors,
    };
  } finally {
    await sockets.unsubscribe();
  }
}
