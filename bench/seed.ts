import { join } from "node:path";
import { loadConfig } from "../src/config.js";
import { initOrm } from "../src/db/orm.js";
import { DemoDeskSeeder } from "../src/db/seeders/demo-desk.seeder.js";

const TABLES = { users: "users", projects: "projects", tickets: "tickets", issues: "issues", comments: "comments" } as const;

/** Migrates the bench database and fills it with the demo desk; returns the row counts. */
export async function seedDemoDesk(databaseUrl: string, dataDir: string): Promise<Record<string, number>> {
  const config = loadConfig({ NODE_ENV: "development", DATABASE_URL: databaseUrl, LOG_LEVEL: "warn", DATA_DIR: join(dataDir, "seed") });
  const orm = await initOrm(config);
  try {
    await orm.getSeeder().seed(DemoDeskSeeder);
    const connection = orm.em.getConnection();
    const counts: Record<string, number> = {};
    for (const [label, table] of Object.entries(TABLES)) {
      try {
        const rows = (await connection.execute(`select count(*) as n from \`${table}\``)) as { n: number | string }[];
        counts[label] = Number(rows[0]?.n ?? 0);
      } catch {
        counts[label] = 0; // that module has not landed yet
      }
    }
    return counts;
  } finally {
    await orm.close(true);
  }
}
