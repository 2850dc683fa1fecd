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

export default defineConfig({
  plugins: [
    graphqlAsNodeResolvesIt,
    swc.vite({ swcrc: false, tsconfigFile: false, jsc: swcrc.jsc, module: swcrc.module }),
  ],
  test: {
    include: ["tests/**/*.test.ts"],
    exclude: ["tests/e2e/**", "frontend/**", "node_modules/**"],
    globalSetup: ["tests/support/global-setup.ts"],
    pool: "forks",
    // Each file gets its own database (tests/support/database.ts), so files may run in
    // parallel; two workers match the 2-core CI machine, more only thrash MariaDB.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 30_000,
    // Starting MariaDB, migrating a fresh schema and hashing seed passwords take a while.
    hookTimeout: 120_000,
  },
});
