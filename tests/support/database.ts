import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { withAdminConnection } from "./admin-connection.js";

export interface TestDatabase {
  /** mysql://…/deskql_test_<random>: hand it to the app as DATABASE_URL. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database on the run's server, so test files can run in parallel without
 * seeing each other's rows. Call in beforeAll and drop() in afterAll.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject("databaseUrl");
  // Hex only, so the name is safe to interpolate as an identifier.
  const name = `deskql_test_${randomBytes(6).toString("hex")}`;
  await withAdminConnection(serverUrl, (connection) =>
    connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`),
  );
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    name,
    drop: async () => {
      await withAdminConnection(serverUrl, (connection) =>
        connection.query(`DROP DATABASE IF EXISTS \`${name}\``),
      );
    },
  };
}
