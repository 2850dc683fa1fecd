import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createConnection, type Connection, type RowDataPacket } from "mysql2/promise";
import { startMariaDb } from "../tests/support/mariadb.js";
import { processCpuMs } from "./proc-cpu.js";

/** The counters of SHOW GLOBAL STATUS that the report divides by requests. */
export interface StatusCounters {
  questions: number;
  select: number;
  insert: number;
  update: number;
  delete: number;
}

export interface BenchDatabase {
  /** mysql://…/deskql_bench_<hex>: the app's DATABASE_URL. */
  url: string;
  name: string;
  version: string;
  /** mariadbd's process id when it runs on this machine (for its CPU time), else null. */
  pid: number | null;
  /** The harness's own connection to the bench database (resets, checks, counters). */
  connection: Connection;
  status(): Promise<StatusCounters>;
  /** mariadbd's user+system CPU time in milliseconds, or null when it is not local. */
  cpuMs(): number | null;
  close(): Promise<void>;
}

const STATUS_NAMES = { Questions: "questions", Com_select: "select", Com_insert: "insert", Com_update: "update", Com_delete: "delete" } as const;

/**
 * A MySQL-compatible server for the benchmark: BENCH_DATABASE_URL when set, else the same
 * throwaway MariaDB the tests start (tests/support/mariadb.ts), removed at the end.
 */
export async function openBenchDatabase(configuredUrl: string | undefined): Promise<BenchDatabase> {
  const throwaway = configuredUrl ? null : await startMariaDb();
  const serverUrl = new URL(configuredUrl ?? throwaway!.url);
  serverUrl.pathname = "";
  const name = `deskql_bench_${randomBytes(4).toString("hex")}`;
  const admin = await createConnection(serverUrl.href);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();

  const url = new URL(serverUrl.href);
  url.pathname = `/${name}`;
  const connection = await createConnection({ uri: url.href, timezone: "Z", multipleStatements: true });
  const [versionRows] = await connection.query<RowDataPacket[]>("SELECT VERSION() AS version, @@pid_file AS pidFile");
  const version = String(versionRows[0]!.version);
  const pid = localPid(String(versionRows[0]!.pidFile), url.hostname);

  return {
    url: url.href,
    name,
    version,
    pid,
    connection,
    async status() {
      const [rows] = await connection.query<RowDataPacket[]>(
        `SHOW GLOBAL STATUS WHERE Variable_name IN (${Object.keys(STATUS_NAMES).map((n) => `'${n}'`).join(",")})`,
      );
      const counters: StatusCounters = { questions: 0, select: 0, insert: 0, update: 0, delete: 0 };
      for (const row of rows) counters[STATUS_NAMES[row.Variable_name as keyof typeof STATUS_NAMES]] = Number(row.Value);
      return counters;
    },
    cpuMs: () => (pid === null ? null : processCpuMs(pid)),
    async close() {
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => undefined);
      await connection.end();
      await throwaway?.stop();
    },
  };
}

function localPid(pidFile: string, host: string): number | null {
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) return null;
  try {
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    const comm = readFileSync(`/proc/${pid}/comm`, "utf8");
    return /mysqld|mariadbd/.test(comm) ? pid : null;
  } catch {
    return null;
  }
}
