import { createReadStream, createWriteStream } from "node:fs";
import { once } from "node:events";
import { createInterface } from "node:readline";
import mysql, { type Connection, type RowDataPacket } from "mysql2";

/**
 * A logical dump of a MySQL/MariaDB database as plain SQL, one statement per line (string values
 * are escaped, so no value holds a line break), which both `deskql restore` and the `mariadb`
 * client can load. The dump reads everything inside one REPEATABLE READ transaction started WITH
 * CONSISTENT SNAPSHOT (what `mariadb-dump --single-transaction` does): every table is seen as of
 * the same moment while the servers keep writing, without locking them. Written in JS rather than
 * by spawning mariadb-dump so that backup and restore need nothing but the image's Node.
 */

/** Rows per INSERT are batched until a statement reaches this size (max_allowed_packet is 16 MiB by default). */
const INSERT_BYTES = 512 * 1024;

function connect(url: string): Connection {
  return mysql.createConnection({
    uri: url,
    // Values round-trip as the server stored them: no time zone conversion, no float or bigint rounding.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    // MySQL's JSON columns as their text, not parsed (MariaDB's are text already).
    typeCast: (field, next) => (field.type === "JSON" ? field.string("utf8") : next()),
    multipleStatements: false,
    timezone: "Z",
  });
}

const query = <T = RowDataPacket[]>(connection: Connection, sql: string): Promise<T> =>
  new Promise((resolve, reject) => connection.query(sql, (error, rows) => (error ? reject(error) : resolve(rows as T))));

/** JSON columns come parsed (MariaDB marks them in the column metadata): back to their text. */
const asStored = (value: unknown) => (value !== null && typeof value === "object" && !Buffer.isBuffer(value) && !(value instanceof Date) ? JSON.stringify(value) : value);

const id = (name: string) => `\`${name.replace(/`/g, "``")}\``;

/** Dumps every base table to `file`; returns the applied migrations as the snapshot saw them. */
export async function dumpMysql(url: string, file: string): Promise<{ migrations: string[]; tables: number; rows: number }> {
  const connection = connect(url);
  const out = createWriteStream(file, { mode: 0o600 });
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, "drain");
  };
  let rows = 0;
  try {
    await query(connection, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    await query(connection, "SET time_zone = '+00:00'");
    await query(connection, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    const tables = (await query(connection, "SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")).map((row) => String(Object.values(row)[0]));
    await write("-- DeskQL backup: a logical dump of a MySQL/MariaDB database, one statement per line.");
    await write("SET NAMES utf8mb4;");
    await write("SET time_zone = '+00:00';");
    await write("SET FOREIGN_KEY_CHECKS = 0;");
    for (const table of tables) {
      const [created] = await query(connection, `SHOW CREATE TABLE ${id(table)}`);
      await write(`DROP TABLE IF EXISTS ${id(table)};`);
      await write(`${String(created!["Create Table"]).replace(/\n\s*/g, " ")};`);
      let columns: string | undefined;
      let batch: string[] = [];
      let size = 0;
      const flush = async () => {
        if (batch.length) await write(`INSERT INTO ${id(table)} ${columns} VALUES ${batch.join(",")};`);
        batch = [];
        size = 0;
      };
      for await (const row of connection.query(`SELECT * FROM ${id(table)}`).stream() as AsyncIterable<Record<string, unknown>>) {
        columns ??= `(${Object.keys(row).map(id).join(",")})`;
        const values = `(${Object.values(row).map((value) => connection.escape(asStored(value))).join(",")})`;
        batch.push(values);
        size += values.length;
        rows++;
        if (size >= INSERT_BYTES) await flush();
      }
      await flush();
    }
    await write("SET FOREIGN_KEY_CHECKS = 1;");
    const migrations = tables.includes("mikro_orm_migrations")
      ? (await query(connection, "SELECT name FROM mikro_orm_migrations ORDER BY id")).map((row) => String(row.name).replace(/\.[jt]s$/, ""))
      : [];
    await query(connection, "COMMIT");
    return { migrations, tables: tables.length, rows };
  } finally {
    out.end();
    await once(out, "close");
    connection.destroy();
  }
}

/** The number of base tables and of users in the database: what "not empty" means for a restore. */
export async function inspectMysql(url: string): Promise<{ tables: number; users: number }> {
  const connection = connect(url);
  try {
    const tables = (await query(connection, "SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")).map((row) => String(Object.values(row)[0]));
    const users = tables.includes("users") ? Number((await query(connection, "SELECT COUNT(*) AS n FROM users"))[0]!.n) : 0;
    return { tables: tables.length, users };
  } finally {
    connection.destroy();
  }
}

/** Drops every table and view of the database, then runs the dump's statements line by line. */
export async function loadMysql(url: string, file: string): Promise<void> {
  const connection = connect(url);
  try {
    await query(connection, "SET FOREIGN_KEY_CHECKS = 0");
    await query(connection, "SET time_zone = '+00:00'");
    for (const row of await query(connection, "SHOW FULL TABLES")) {
      const [name, type] = Object.values(row).map(String);
      await query(connection, `DROP ${type === "VIEW" ? "VIEW" : "TABLE"} IF EXISTS ${id(name!)}`);
    }
    const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.trim() || line.startsWith("-- ")) continue;
      await query(connection, line.replace(/;$/, ""));
    }
    await query(connection, "SET FOREIGN_KEY_CHECKS = 1");
  } finally {
    connection.destroy();
  }
}
