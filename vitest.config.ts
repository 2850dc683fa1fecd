import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import swc from "unplugin-swc";
import { defineConfig, type Plugin } from "vitest/config";

// Vite's own TS transform (oxc) drops decorator metadata, which type-graphql and MikroORM
// read at runtime; compile through SWC with the build's .swcrc so tests run the same output.
const swcrc = JSON.parse(readFileSync(new URL("./.swcrc", import.meta.url), "utf8"));

// graphql 16 ships index.mjs beside index.js without an "exports" map. Vite picks the .mjs
// for our code while type-graphql and Apollo, loaded by Node, get the CommonJS build, and
// graphql then throws "Cannot use GraphQLSchema from another module or realm".
// resolve.dedupe does not help (it dedupes paths, not formats); resolving like Node does.
const nodeRequire = createRequire(import.meta.url);
const graphqlAsNodeResolvesIt: Plugin = {
  name: "deskql:graphql-single-copy",
  enforce: "pre",
  resolveId(id) {
    if (id === "graphql" || id.startsWith("graphql/")) return nodeRequire.resolve(id);
    return null;
  },
};

// The integration suite runs twice, once per database the server supports: the "mariadb"
// project (a throwaway MariaDB, tests/support/global-setup.ts) and the "sqlite" project (the
// embedded libsql file, the default a newcomer runs). startTestServer() reads the project's
// `database` (tests/support/dialect.ts); a test about a feature one database lacks says so with
// describe.skipIf(...) and the reason. Unit tests run once, in the "mariadb" project.
const integration = ["tests/integration/**/*.test.ts"];
const sharedExclude = ["tests/e2e/**", "frontend/**", "node_modules/**"];
const ownProcess = ["tests/unit/observability/tracing.test.ts"];

export default defineConfig({
  plugins: [
    graphqlAsNodeResolvesIt,
    swc.vite({ swcrc: false, tsconfigFile: false, jsc: swcrc.jsc, module: swcrc.module }),
  ],
  test: {
    exclude: sharedExclude,
    pool: "forks",
    // Each file gets its own database (tests/support/database.ts), so files may run in
    // parallel, and the two projects share the workers. Most of a test's time is spent waiting
    // on MariaDB, argon2's own threads or TLS, so three workers keep 2 cores busy (measured:
    // README "Development"); more only thrash MariaDB.
    fileParallelism: true,
    maxWorkers: 3,
    // A worker runs its project's files one after another and keeps the modules it has loaded
    // (type-graphql and MikroORM metadata, the server's ~550 modules): with isolation every file
    // re-imported them, over half the suite's time. Each file still boots its own server(s) on
    // its own database, and nothing in src/ or tests/support keeps per-server state at module
    // level (servers already share a process in tests/integration/server/cold-start.test.ts).
    // Measured: README "Development".
    isolate: false,
    testTimeout: 30_000,
    // Starting MariaDB, migrating a fresh schema and hashing seed passwords take a while.
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: "mariadb",
          include: ["tests/**/*.test.ts"],
          exclude: [...sharedExclude, ...ownProcess],
          globalSetup: ["tests/support/global-setup.ts"],
          provide: { database: "mariadb" },
        },
      },
      {
        extends: true,
        test: {
          // Files that register OpenTelemetry's process-wide tracer provider beside the traces
          // suite's: the API keeps the first provider a module-level tracer delegated to, so they
          // get a process of their own instead of a shared worker.
          name: "isolated",
          include: ownProcess,
          isolate: true,
        },
      },
      {
        extends: true,
        test: {
          name: "sqlite",
          include: integration,
          // Production refuses the embedded database (config.ts), so its schema rules run on MariaDB only.
          exclude: ["tests/integration/schema/production.test.ts"],
          provide: { database: "sqlite" },
        },
      },
    ],
  },
});
