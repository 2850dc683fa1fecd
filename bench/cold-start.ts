import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { get } from "node:https";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { processCpuMs } from "./proc-cpu.js";

/** The production entry point of the same build as this file (dist/src/main.js after `npm run build:bench`). */
const MAIN = fileURLToPath(new URL("../src/main.js", import.meta.url));

export interface ColdStart {
  label: string;
  /** From spawning `node dist/src/main.js` to the first 200 from /ready, ms; null if it never came. */
  readyMs: number | null;
  /** Resident memory of the process when it first answered ready, MiB. */
  rssMb: number | null;
  /** CPU time (user + system) the process had used by then, ms: on a shared machine, steadier than the wall time. */
  cpuMs: number | null;
}

const TIMEOUT_MS = 120_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function ready(port: number, ca: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: "127.0.0.1", port, path: "/ready", ca, servername: "localhost", timeout: 1000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200));
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
  });
}

function rssMb(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Starts the production entry point (`node dist/src/main.js`, as `npm start` after its build)
 * with `env`, and times it to its first ready answer: module loading, configuration, ORM and
 * migrations check (or run, on an empty database), schema build, listening. /ready is polled
 * every 10 ms; then the process is stopped with SIGTERM.
 */
export async function coldStart(label: string, env: Record<string, string>, ca: Buffer, logFile: string): Promise<ColdStart> {
  const port = await freePort();
  const started = performance.now();
  const fd = openSync(logFile, "w");
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env, PORT: String(port) }, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let readyMs: number | null = null;
  let rss: number | null = null;
  let cpu: number | null = null;
  try {
    while (performance.now() - started < TIMEOUT_MS && child.exitCode === null) {
      if (await ready(port, ca)) {
        readyMs = performance.now() - started;
        rss = rssMb(child.pid!);
        cpu = processCpuMs(child.pid!);
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
  return { label, readyMs, rssMb: rss, cpuMs: cpu };
}
