import { createHash, randomBytes } from "node:crypto";
import { open, readFile, stat, unlink, utimes } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { RowDataPacket } from "mysql2";
import { createConnection } from "mysql2/promise";
import type { AppConfig } from "../config.js";

/**
 * The lock every process of one database takes to migrate it or create its first admin, so
 * replicas started together do each once: the first takes it and works, the others wait, then
 * find nothing left to do. MySQL/MariaDB: a named lock (GET_LOCK) held by a connection of its
 * own, released by the server if the holder dies. The embedded database: a lock file beside it,
 * created exclusively, kept fresh while held, and taken over when its holder is gone.
 */
export interface StartupLock {
  release(): Promise<void>;
}

/** The lock was not free within the wait (MIGRATIONS_WAIT_SECONDS). */
export class StartupLockTimeout extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupLockTimeout";
  }
}

type Database = AppConfig["database"];

/** Runs `work` holding the startup lock of the database, waiting at most `waitSeconds` for it. */
export async function withStartupLock<T>(database: Database, waitSeconds: number, work: () => Promise<T>): Promise<T> {
  const lock = await acquireStartupLock(database, waitSeconds);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

export function acquireStartupLock(database: Database, waitSeconds: number): Promise<StartupLock> {
  return database.kind === "mysql" ? namedLock(database.url, waitSeconds) : lockFile(`${database.file}.startup.lock`, waitSeconds);
}

/** GET_LOCK's names are server-wide and at most 64 characters: one per database. */
export function startupLockName(url: string): string {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const name = `deskql.startup.${database}`;
  return name.length <= 64 ? name : `deskql.startup.${createHash("sha256").update(database).digest("hex").slice(0, 40)}`;
}

async function namedLock(url: string, waitSeconds: number): Promise<StartupLock> {
  const name = startupLockName(url);
  // Not a pooled connection: the pool's may be few and all needed by the migration itself, and
  // they carry statement timeouts shorter than this wait.
  const connection = await createConnection(url.replace(/^mariadb:/, "mysql:"));
  // A connection lost while holding the lock releases it on the server; the error must not crash us.
  connection.on("error", () => undefined);
  try {
    const [rows] = await connection.query<RowDataPacket[]>("SELECT GET_LOCK(?, ?) AS got", [name, waitSeconds]);
    if (Number(rows[0]?.got) !== 1) {
      throw new StartupLockTimeout(
        `Another DeskQL process held the startup lock "${name}" (migrations, first admin) for more than ${waitSeconds} s. ` +
          `It may still be migrating: raise MIGRATIONS_WAIT_SECONDS, or find it with SELECT IS_USED_LOCK('${name}').`,
      );
    }
  } catch (error) {
    await connection.end().catch(() => connection.destroy());
    throw error;
  }
  return {
    async release() {
      try {
        await connection.query("SELECT RELEASE_LOCK(?)", [name]);
      } finally {
        await connection.end().catch(() => connection.destroy());
      }
    },
  };
}

/** A held lock file's modification time is refreshed this often... */
const HEARTBEAT_MS = 2_000;
/** ...so one not refreshed for this long was left by a process that died (or froze) holding it. */
const STALE_MS = 15_000;
const POLL_MS = 50;

interface LockFileHolder {
  pid: number;
  host: string;
  token: string;
}

async function lockFile(path: string, waitSeconds: number): Promise<StartupLock> {
  const deadline = Date.now() + waitSeconds * 1000;
  const me: LockFileHolder = { pid: process.pid, host: hostname(), token: randomBytes(12).toString("hex") };
  for (;;) {
    try {
      const handle = await open(path, "wx");
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      return heldLockFile(path, me);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (await isStale(path)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new StartupLockTimeout(
        `Another DeskQL process held the startup lock ${path} (migrations, first admin) for more than ${waitSeconds} s. ` +
          "It may still be migrating: raise MIGRATIONS_WAIT_SECONDS. If no DeskQL process uses this database, delete the file.",
      );
    }
    await sleep(POLL_MS);
  }
}

function heldLockFile(path: string, me: LockFileHolder): StartupLock {
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, HEARTBEAT_MS).unref();
  return {
    async release() {
      clearInterval(heartbeat);
      // Only our own: a lock taken over from us while we were frozen is the new holder's.
      const holder = await readHolder(path);
      if (holder?.token === me.token) await unlink(path).catch(() => undefined);
    },
  };
}

async function readHolder(path: string): Promise<LockFileHolder | null> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as LockFileHolder;
  } catch {
    return null; // gone, or being written
  }
}

/** Left by a process that is gone: not refreshed for STALE_MS, or its process on this host has exited. */
async function isStale(path: string): Promise<boolean> {
  try {
    const { mtimeMs } = await stat(path);
    if (Date.now() - mtimeMs > STALE_MS) return true;
  } catch {
    return false; // just released: try again
  }
  const holder = await readHolder(path);
  if (!holder || holder.host !== hostname() || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
