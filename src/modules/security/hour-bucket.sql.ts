/**
 * The hour since the epoch (UTC) of a datetime column, as SQL for the configured database:
 * MySQL/MariaDB compute it from the DATETIME without consulting the session time zone;
 * SQLite stores MikroORM datetimes as epoch milliseconds.
 */
export function hourNumberSql(dialect: "mysql" | "sqlite", column: string): string {
  if (!/^[a-z_.]+$/.test(column)) throw new Error(`not a column name: ${column}`);
  return dialect === "mysql" ? `timestampdiff(hour, '1970-01-01 00:00:00', ${column})` : `cast(${column} / 3600000 as integer)`;
}

export const HOUR_MS = 3_600_000;
