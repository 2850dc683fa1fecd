import { fork, type ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { connect as connectTcp, type Socket } from "node:net";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connect as connectTls } from "node:tls";
import WebSocket from "ws";
import type { MemoryReport, SocketMemoryMode } from "./socket-memory-child.js";
import { machineInfo } from "./machine.js";
import { writeSection } from "./results-section.js";
import { settings } from "./settings.js";

/**
 * `node dist/bench/socket-memory.js` (after `npm run build:bench`): what 1,000 idle connections
 * cost a server process, plain TCP, TLS and TLS with `ws` (as DeskQL's subscriptions; DeskQL's
 * own figure is bench:events'), each under `npm start`'s malloc settings and without
 * glibc.malloc.hugetlb, with an RSA 2048 and an ECDSA P-256 certificate. RSS, glibc's main arena,
 * huge pages and the JS heap after a full GC, grown per 1,000 connections; the server's CPU per
 * handshake. The connections come from a process of their own. SOCKET_MEMORY_CONNECTIONS sets
 * the count (1000). Replaces its own section of bench/RESULTS.md.
 */
const here = fileURLToPath(new URL(".", import.meta.url));
const dir = join(settings.runsDir, "socket-memory");
const connections = Number(process.env.SOCKET_MEMORY_CONNECTIONS ?? 1000);
const NPM_START = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "8388608" };
/** What npm start set until 2026-12-07: transparent huge pages for all of malloc. */
const HUGE_PAGES = { ...NPM_START, GLIBC_TUNABLES: "glibc.malloc.hugetlb=1" };

function certificate(kind: "rsa" | "ecdsa"): { key: string; cert: string } {
  const [key, cert] = [join(dir, `${kind}.key`), join(dir, `${kind}.pem`)];
  const algorithm = kind === "rsa" ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
  execFileSync("openssl", ["req", "-x509", ...algorithm, "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], { stdio: "ignore" });
  return { key, cert };
}

const next = <T>(child: ChildProcess) => new Promise<T>((resolve) => child.once("message", (message) => resolve(message as T)));

/** The connecting side, run as a child of its own (`connect` argument). */
async function connectAll(mode: SocketMemoryMode, port: number, ca: Buffer, count: number): Promise<unknown[]> {
  const held: unknown[] = [];
  const one = () =>
    new Promise<void>((resolve, reject) => {
      if (mode === "tcp") {
        const socket: Socket = connectTcp(port, "127.0.0.1", () => (socket.write("hello"), held.push(socket), resolve()));
        socket.on("error", reject);
      } else if (mode === "tls") {
        const socket = connectTls({ port, host: "127.0.0.1", ca, servername: "localhost" }, () => (socket.write("hello"), held.push(socket), resolve()));
        socket.on("error", reject);
      } else {
        const ws = new WebSocket(`wss://127.0.0.1:${port}/graphql`, "graphql-transport-ws", { ca, servername: "localhost", perMessageDeflate: false } as WebSocket.ClientOptions);
        ws.on("open", () => ws.send('{"type":"connection_init"}'));
        ws.once("message", () => (held.push(ws), resolve()));
        ws.on("error", reject);
      }
    });
  let opened = 0;
  await Promise.all(Array.from({ length: 20 }, async () => {
    while (opened++ < count) await one();
  }));
  return held;
}

async function measureOne(mode: SocketMemoryMode, cert: { key: string; cert: string }, malloc: Record<string, string>) {
  const server = fork(join(here, "socket-memory-child.js"), [], { execArgv: ["--expose-gc"], env: { PATH: process.env.PATH ?? "", ...malloc, SOCKET_MEMORY_MODE: mode, TLS_KEY_FILE: cert.key, TLS_CERT_FILE: cert.cert } });
  const { port, measured: before } = await next<{ port: number; measured: MemoryReport }>(server);
  const client = fork(fileURLToPath(import.meta.url), ["connect", mode, String(port), cert.cert, String(connections)], { env: { PATH: process.env.PATH ?? "" } });
  const startedAt = Date.now();
  await next(client);
  const openMs = Date.now() - startedAt;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  server.send("measure");
  const { measured: after } = await next<{ measured: MemoryReport }>(server);
  client.kill();
  server.kill();
  const per = (key: keyof MemoryReport) => ((after[key] - before[key]) * 1000) / connections;
  return { rss: per("rssMb"), mallocHeap: per("mallocHeapMb"), anonymous: per("anonymousMb"), hugePages: per("hugePagesMb"), heapUsed: per("heapUsedMb"), heapTotal: per("heapTotalMb"), cpuMsPerHandshake: (after.cpuMs - before.cpuMs) / connections, openMs };
}

async function main(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const load = loadavg();
  const startedAt = new Date();
  const certs = { rsa: certificate("rsa"), ecdsa: certificate("ecdsa") };
  const rows: string[] = [];
  const print = (line: string) => (console.log(line), rows.push(line));
  print("| server | certificate | malloc | RSS | glibc main arena ([heap]) | other anonymous | huge pages (AnonHugePages) | JS heap used / committed | server CPU per handshake ms |");
  print("|---|---|---|--:|--:|--:|--:|--:|--:|");
  for (const mode of ["tcp", "tls", "tls+ws"] as const) {
    for (const [certName, cert] of mode === "tcp" ? ([["rsa", certs.rsa]] as const) : Object.entries(certs)) {
      for (const [mallocName, malloc] of [["npm start", NPM_START], ["hugetlb=1 (npm start until 2026-12-07)", HUGE_PAGES]] as const) {
        const r = await measureOne(mode, cert, malloc);
        const f = (n: number) => n.toFixed(1);
        print(`| ${mode} | ${mode === "tcp" ? "–" : certName} | ${mallocName} | ${f(r.rss)} | ${f(r.mallocHeap)} | ${f(r.anonymous)} | ${f(r.hugePages)} | ${f(r.heapUsed)} / ${f(r.heapTotal)} | ${mode === "tcp" ? "–" : r.cpuMsPerHandshake.toFixed(2)} |`);
      }
    }
  }
  const machine = machineInfo();
  writeSection(
    settings.resultsFile,
    "socket-memory",
    [
      `## Idle connections: TCP, TLS, TLS + ws (${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC)`,
      "",
      `Written by \`node dist/bench/socket-memory.js\` (bench/socket-memory.ts): ${connections} idle connections to a server process holding nothing else (plain TCP, Node's TLS with the options of src/server/app.ts, TLS with \`ws\` as DeskQL's subscriptions; DeskQL's own figure is in the events section), opened 20 at a time from another process; MB per 1,000 connections after a full GC, grown from the idle server. ` +
        `"npm start" is MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=8388608; "hugetlb=1" adds GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (transparent huge pages for all of malloc), which npm start set until 2026-12-07. ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; load average ${load.map((x) => x.toFixed(1)).join("/")} before and ${loadavg().map((x) => x.toFixed(1)).join("/")} after (1/5/15 min).`,
      "",
      ...rows,
      "",
    ].join("\n"),
  );
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join("/")} after`);
}

if (process.argv[2] === "connect") {
  const [, , , mode, port, caFile, count] = process.argv;
  const held = await connectAll(mode as SocketMemoryMode, Number(port), readFileSync(caFile!), Number(count));
  process.send!({ opened: held.length });
  setInterval(() => held.length, 60_000);
  process.on("disconnect", () => process.exit(0));
} else {
  await main();
}
