import type { ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";

/**
 * What the throwaway servers the suite starts (mariadb.ts, redis.ts) share: stopping one, making
 * sure none outlives the run, a free port, and its log for an error message.
 */

/** SIGTERM (after SIGCONT: a paused server cannot act on SIGTERM), then SIGKILL if it is not gone after `stopTimeoutMs`. */
export async function terminate(child: ChildProcess, exited: Promise<number | null>, stopTimeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGCONT");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs);
  await exited;
  clearTimeout(timer);
}

/**
 * A run that ends without stop() (a crash, Ctrl-C, process.exit) must not leave a server
 * behind. Vitest turns SIGINT/SIGTERM into process.exit(), so "exit" covers it; the signal
 * hooks are for scripts that have no handler of their own. Returns a function that unhooks.
 */
export function killOnProcessExit(child: ChildProcess, dir: string): () => void {
  const cleanUp = () => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const onSignal = (signal: NodeJS.Signals) => {
    cleanUp();
    // Registered with once(), so zero listeners means nobody else handles it: re-raise to
    // get the default behaviour (terminate) instead of swallowing the signal.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once("exit", cleanUp);
  for (const signal of signals) process.once(signal, onSignal);
  return () => {
    process.off("exit", cleanUp);
    for (const signal of signals) process.off(signal, onSignal);
  };
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function readLog(logPath: string): string {
  try {
    return readFileSync(logPath, "utf8").trim() || "(empty)";
  } catch {
    return "(no log written)";
  }
}
