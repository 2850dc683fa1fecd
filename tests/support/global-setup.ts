import type { TestProject } from "vitest/node";
import { redactUrl, withAdminConnection } from "./admin-connection.js";
import { startMariaDb } from "./mariadb.js";

/**
 * Provides one MariaDB server for the whole run: TEST_DATABASE_URL when set (CI with a service
 * container, or a developer's own server), otherwise a throwaway server started here and
 * stopped in teardown. Test files get their own database on it via createTestDatabase().
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const configured = process.env.TEST_DATABASE_URL;
  if (configured) {
    await assertReachable(configured);
    project.provide("databaseUrl", configured);
    return undefined;
  }
  const server = await startMariaDb();
  project.provide("databaseUrl", server.url);
  return () => server.stop();
}

// Fail once, up front, with the URL in the message, instead of once per test file.
async function assertReachable(url: string): Promise<void> {
  try {
    await withAdminConnection(url, (connection) => connection.query("SELECT 1"));
  } catch (error) {
    throw new Error(`TEST_DATABASE_URL=${redactUrl(url)} is not reachable: ${String(error)}`, {
      cause: error,
    });
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    /** Server URL without a database, e.g. mysql://root@127.0.0.1:40123. */
    databaseUrl: string;
  }
}
