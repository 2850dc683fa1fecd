import { writeFileSync } from "node:fs";
import type { RowDataPacket } from "mysql2/promise";
import type { BenchDatabase } from "./database.js";

/** One statement a server sent for one request, and what it costs the database when run alone. */
export interface CapturedStatement {
  sql: string;
  /** Median wall time of the statement run alone on the harness's connection, ms. */
  ms: number;
  /** Rows the storage engine handed to the server for it (Handler_read_* delta): the work MariaDB did. */
  rowsRead: number;
}

export interface CapturedRequest {
  server: string;
  scenario: string;
  statements: CapturedStatement[];
}

/** Statements of background work (event polling, job workers) and the session read every server caches for 5 s, not of the request under test. */
const BACKGROUND = /\b(sessions|domain_events|job_runs|job_units|webhooks|webhook_deliveries|mail_outbox|inbound_mails|counters|jobs)\b|^(set |show |select 1\b|commit|rollback|begin|start transaction)/i;
const REPEATS = 15;

/**
 * Records the statements each server sends for one request, with MariaDB's general log (to its
 * table, for this request only), then runs each statement alone to price it. The servers are
 * asked one at a time, so the log of a request holds that server's statements and at most some
 * background polling, which is filtered out by table name.
 */
export async function captureStatements(db: BenchDatabase, requests: { server: string; scenario: string; send: () => Promise<void> }[]): Promise<CapturedRequest[]> {
  const c = db.connection;
  const [[{ id: own }]] = (await c.query("select connection_id() as id")) as unknown as [[{ id: number }]];
  await c.query("set global log_output = 'TABLE'");
  const out: CapturedRequest[] = [];
  try {
    for (const r of requests) {
      await c.query("truncate table mysql.general_log");
      await c.query("set global general_log = 1");
      await r.send();
      await c.query("set global general_log = 0");
      const [rows] = await c.query<RowDataPacket[]>(
        "select convert(argument using utf8mb4) as sql_text from mysql.general_log where command_type in ('Query', 'Execute') and thread_id <> ? order by event_time",
        [own],
      );
      const texts = rows.map((x) => String(x.sql_text)).filter((s) => !BACKGROUND.test(s.trim()));
      const statements: CapturedStatement[] = [];
      for (const sql of texts) statements.push(await price(db, sql));
      out.push({ server: r.server, scenario: r.scenario, statements });
    }
  } finally {
    await c.query("set global general_log = 0");
    await c.query("truncate table mysql.general_log");
  }
  return out;
}

async function handlerReads(db: BenchDatabase): Promise<number> {
  const [rows] = await db.connection.query<RowDataPacket[]>("show session status like 'Handler_read%'");
  return rows.reduce((sum, r) => sum + Number(r.Value), 0);
}

async function price(db: BenchDatabase, sql: string): Promise<CapturedStatement> {
  // SHOW STATUS reads rows itself: what one costs is taken off the statement's count.
  const show = -((await handlerReads(db)) - (await handlerReads(db)));
  const before = await handlerReads(db);
  await db.connection.query(sql);
  const rowsRead = (await handlerReads(db)) - before - show;
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    await db.connection.query(sql);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { sql, ms: times[Math.floor(times.length / 2)]!, rowsRead: Math.max(0, rowsRead) };
}

/** The full statements, for reading beside the report. */
export function writeCapture(file: string, captured: CapturedRequest[]): void {
  const text = captured
    .map((r) => `## ${r.scenario} on ${r.server}\n\n${r.statements.map((s) => `-- ${s.ms.toFixed(2)} ms alone, ${s.rowsRead} rows read\n${s.sql};\n`).join("\n")}`)
    .join("\n");
  writeFileSync(file, text);
}
