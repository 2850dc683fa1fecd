import { inject } from "vitest";

export type TestDialect = "mariadb" | "sqlite";

declare module "vitest" {
  export interface ProvidedContext {
    /** The database this vitest project runs the integration suite on (vitest.config.ts). */
    database: TestDialect;
  }
}

/** The database of the running vitest project: "mariadb" unless the project provides "sqlite". */
export function testDialect(): TestDialect {
  return inject("database") === "sqlite" ? "sqlite" : "mariadb";
}

/** True in the "sqlite" project: `describe.skipIf(onSqlite)("…", …)` with the reason beside it. */
export const onSqlite = testDialect() === "sqlite";

/** True in the "mariadb" project. */
export const onMariaDb = !onSqlite;
