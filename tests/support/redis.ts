import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { findFreePort, killOnProcessExit, readLog, terminate } from "./throwaway-process.js";

/**
 * A throwaway Redis for tests: Debian's redis-server on a free loopback port with no
 * persistence, started per test file (useRedis) so runs that need no Redis pay nothing.
 * TEST_REDIS_URL names an existing server instead; then the tests share it and must keep to
 * their own key prefix (or db number): `prefix` below is random per useRedis().
 */
export interface RedisServer {
  /** redis://127.0.0.1:<port> (or TEST_REDIS_URL). */
  url: string;
  /** True when this process started the server (pause/resume/kill work only then). */
  owned: boolean;
  stop(): Promise<void>;
  /** SIGSTOP: the server keeps its sockets but answers nothing, like a hung host. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** SIGKILL and wait for the exit: connections are refused from then on. */
  kill(): Promise<void>;
}

export const REDIS_INSTALL_HINT = [
  "The tests need a Redis server and found no redis-server binary (looked in PATH, /usr/bin,",
  "/usr/sbin and /usr/local/bin). Either install Redis so the tests start a throwaway one:",
  "  Debian/Ubuntu: sudo apt-get install -y redis-server",
  "  macOS:         brew install redis",
  "or point them at an existing server (tests keep to their own key prefix):",
  "  TEST_REDIS_URL=redis://host:6379 npm test",
].join("\n");

const EXTRA_DIRS = ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/opt/homebrew/bin"];
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;

class PortTakenError extends Error {}

export function findRedisServer(): string {
  const pathDirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const dir of new Set([...pathDirs, ...EXTRA_DIRS])) {
    const candidate = join(dir, "redis-server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  throw new Error(REDIS_INSTALL_HINT);
}

/** Starts a throwaway redis-server, or wraps TEST_REDIS_URL when it is set. */
export async function startRedis(): Promise<RedisServer> {
  const configured = process.env.TEST_REDIS_URL;
  if (configured) return external(configured);
  const binary = findRedisServer();
  const dir = await mkdtemp(join(tmpdir(), "deskql-redis-"));
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await launch(binary, dir, await findFreePort());
      } catch (error) {
        if (!(error instanceof PortTakenError) || attempt === PORT_ATTEMPTS) throw error;
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface UsedRedis {
  /** The server's URL; valid from beforeAll on. */
  readonly url: string;
  /** A random key prefix for this file, e.g. for REDIS_KEY_PREFIX-like settings. */
  readonly prefix: string;
  readonly server: RedisServer;
}

/**
 * One Redis for the calling test file: started in beforeAll, stopped in afterAll. Read the
 * fields inside tests or hooks, not at module load.
 */
export function useRedis(): UsedRedis {
  let server: RedisServer | undefined;
  const prefix = `deskql-test-${Math.random().toString(36).slice(2, 10)}:`;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const current = (): RedisServer => {
    if (!server) throw new Error("useRedis(): the server exists only from beforeAll on");
    return server;
  };
  return {
    get url() {
      return current().url;
    },
    prefix,
    get server() {
      return current();
    },
  };
}

function external(url: string): RedisServer {
  const refuse = () => {
    throw new Error("TEST_REDIS_URL names a server this run does not own: cannot pause/kill it");
  };
  return { url, owned: false, stop: async () => undefined, pause: refuse, resume: refuse, kill: async () => refuse() };
}

async function launch(binary: string, dir: string, port: number): Promise<RedisServer> {
  const logPath = join(dir, "redis.log");
  const args = [
    "--port", String(port),
    "--bind", "127.0.0.1",
    "--save", "",
    "--appendonly", "no",
    "--dir", dir,
    "--logfile", logPath,
    "--daemonize", "no",
    // Nothing but the tests talks to it; protected mode only matters without a bind.
    "--protected-mode", "no",
  ];
  const child = spawn(binary, args, { stdio: "ignore" });
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(null));
  });
  const removeExitHooks = killOnProcessExit(child, dir);
  try {
    await waitUntilReady(port, exited, logPath);
  } catch (error) {
    removeExitHooks();
    await terminate(child, exited, STOP_TIMEOUT_MS);
    throw error;
  }
  let paused = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    owned: true,
    async stop() {
      removeExitHooks();
      if (paused) child.kill("SIGCONT");
      await terminate(child, exited, STOP_TIMEOUT_MS);
      await rm(dir, { recursive: true, force: true });
    },
    pause() {
      paused = true;
      child.kill("SIGSTOP");
    },
    resume() {
      paused = false;
      child.kill("SIGCONT");
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}

async function waitUntilReady(port: number, exited: Promise<number | null>, logPath: string): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exitCode !== undefined) {
      const log = readLog(logPath);
      const message = `redis-server exited with code ${exitCode} before answering PING. Its log:\n${log}`;
      throw /Address already in use/i.test(log) ? new PortTakenError(message) : new Error(message);
    }
    if (await ping(port)) return;
    if (Date.now() > deadline) {
      throw new Error(`redis-server did not answer PING within ${READY_TIMEOUT_MS / 1000}s. Its log:\n${readLog(logPath)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One inline PING over a raw socket: true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let answer = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      answer += chunk.toString("utf8");
      if (answer.includes("\r\n")) done(answer.startsWith("+PONG"));
    });
  });
}
