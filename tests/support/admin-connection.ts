import { createConnection, type Connection } from "mysql2/promise";

/**
 * Runs `work` on a connection to the server behind `serverUrl` with no database selected,
 * for statements like CREATE DATABASE; the connection is always closed afterwards.
 */
export async function withAdminConnection<T>(
  serverUrl: string,
  work: (connection: Connection) => Promise<T>,
): Promise<T> {
  const url = new URL(serverUrl);
  url.pathname = "";
  const connection = await createConnection(url.href);
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/** The URL without its password, for error messages that end up in CI logs. */
export function redactUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  if (url.password) url.password = "***";
  return url.href;
}
