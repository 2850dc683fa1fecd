import { execFile, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createConnection } from "mysql2/promise";
import { findMariaDbBinaries, type MariaDbBinaries } from "./mariadb-binaries.js";
import { findFreePort, killOnProcessExit, readLog, terminate } from "./throwaway-process.js";

/**
 * A throwaway MariaDB server for one test run: a fresh data directory under the system temp
 * dir, a free port on 127.0.0.1, root without a password, and everything removed on stop()
 * or when the process exits.
 */
export interface MariaDbServer {
  /** mysql://root@127.0.0.1:<port>, no database selected. */
  url: string;
  stop(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void;
  /** Thaws a paused server (SIGCONT). */
  resume(): void;
  /** Kills the server (SIGKILL), as a crash would; its data directory stays for restart(). */
  kill(): Promise<void>;
  /** Starts the killed server again on the same port and data. */
  restart(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 3;

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

class PortTakenError extends Error {}

export async function startMariaDb(): Promise<MariaDbServer> {
  const binaries = findMariaDbBinaries();
  const dir = await mkdtemp(join(tmpdir(), "deskql-mariadb-"));
  try {
    await installDataDir(binaries, dir);
    // The free port is found by binding and releasing it, so another process can take it
    // before mariadbd binds; that race is rare enough that a retry covers it.
    for (let attempt = 1; ; attempt++) {
      try {
        return await launch(binaries, dir, await findFreePort());
      } catch (error) {
        if (!(error instanceof PortTakenError) || attempt === PORT_ATTEMPTS) throw error;
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function installDataDir(binaries: MariaDbBinaries, dir: string): Promise<void> {
  const dataDir = join(dir, "data");
  await mkdir(dataDir);
  const args = [
    "--no-defaults", // must come first; a developer's ~/.my.cnf must not change the test server
    `--basedir=${binaries.baseDir}`,
    `--datadir=${dataDir}`,
    "--auth-root-authentication-method=normal",
    "--skip-test-db",
    // Without it the script resolves the hostname, which fails in many containers.
    "--skip-name-resolve",
    ...(isRoot ? ["--user=root"] : []),
  ];
  try {
    await run(binaries.installDb, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${binaries.installDb} failed:\n${stderr}\n${stdout}`.trim(), { cause: error });
  }
}

async function launch(binaries: MariaDbBinaries, dir: string, port: number): Promise<MariaDbServer> {
  const socketPath = join(dir, "mysqld.sock");
  const logPath = join(dir, "mariadbd.log");
  const args = [
    "--no-defaults",
    `--datadir=${join(dir, "data")}`,
    `--socket=${socketPath}`,
    `--pid-file=${join(dir, "mysqld.pid")}`,
    // Its own temporary directory: several servers (and their cleaners) share /tmp on CI and
    // developer machines, and a temporary table whose file vanishes fails the query.
    `--tmpdir=${dir}`,
    `--port=${port}`,
    "--bind-address=127.0.0.1",
    "--skip-networking=0",
    // No reverse DNS per connection; accounts are matched by IP (root@127.0.0.1 below).
    "--skip-name-resolve",
    "--innodb-buffer-pool-size=256M",
    // Durability is worthless for data deleted at the end of the run; fsyncs are slow.
    "--innodb-flush-log-at-trx-commit=0",
    "--innodb-doublewrite=0",
    "--skip-log-bin",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_unicode_ci",
    // Two workers, each with an ORM pool per test file, plus the admin connections.
    "--max-connections=500",
    ...(isRoot ? ["--user=root"] : []),
  ];
  const logFd = openSync(logPath, "w");
  const child = spawn(binaries.server, args, { stdio: ["ignore", logFd, logFd] });
  closeSync(logFd);

  // A binary that cannot be spawned at all emits "error" and may never emit "exit".
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(null));
  });
  const removeExitHooks = killOnProcessExit(child, dir);
  const url = `mysql://root@127.0.0.1:${port}`;

  try {
    await waitUntilReady(socketPath, exited, logPath);
    await allowRootFromLoopback(socketPath);
    await checkTcpLogin(url);
  } catch (error) {
    removeExitHooks();
    await terminate(child, exited, STOP_TIMEOUT_MS);
    throw error;
  }

  let current = { child, exited, removeExitHooks };
  return {
    url,
    async stop() {
      current.removeExitHooks();
      if (current.child.signalCode === "SIGSTOP" || current.child.exitCode === null) current.child.kill("SIGCONT");
      await terminate(current.child, current.exited, STOP_TIMEOUT_MS);
      await rm(dir, { recursive: true, force: true });
    },
    pause: () => void current.child.kill("SIGSTOP"),
    resume: () => void current.child.kill("SIGCONT"),
    async kill() {
      current.child.kill("SIGKILL");
      await current.exited;
    },
    async restart() {
      current.removeExitHooks();
      const restarted = await launch(binaries, dir, port);
      // launch() made its own child; take over its controls, keep this object's.
      current = (restarted as unknown as { [CONTROLS]: typeof current })[CONTROLS];
    },
    [CONTROLS]: current,
  } as MariaDbServer;
}

/** The child process behind a server object, for restart(). */
const CONTROLS = Symbol("mariadb controls");

async function waitUntilReady(
  socketPath: string,
  exited: Promise<number | null>,
  logPath: string,
): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exitCode !== undefined) {
      const log = readLog(logPath);
      const message = `mariadbd exited with code ${exitCode} before accepting connections. Its log:\n${log}`;
      throw /Address already in use|Bind on TCP\/IP port/i.test(log)
        ? new PortTakenError(message)
        : new Error(message);
    }
    try {
      const connection = await createConnection({ socketPath, user: "root" });
      await connection.end();
      return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(
        `mariadbd did not accept connections within ${READY_TIMEOUT_MS / 1000}s. Its log:\n${readLog(logPath)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * mariadb-install-db creates root@localhost, which only matches socket connections once
 * name resolution is off; the tests and the ORM connect over TCP to 127.0.0.1.
 */
async function allowRootFromLoopback(socketPath: string): Promise<void> {
  const connection = await createConnection({ socketPath, user: "root" });
  try {
    await connection.query("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''");
    await connection.query("GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION");
  } finally {
    await connection.end();
  }
}

async function checkTcpLogin(url: string): Promise<void> {
  const connection = await createConnection(url);
  await connection.end();
}
