import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * Browser end-to-end tests: the built client served by the real server over HTTPS, driven in
 * Debian's Chromium through playwright-core. Run by `npm run test:client` after the client build.
 * (Spread, not mergeConfig: mergeConfig would concatenate base's include/exclude lists.)
 */
// The base's projects (one per database) are for the server suite; the e2e run is one project
// on MariaDB.
const { projects: _serverSuiteProjects, ...baseTest } = base.test!;

export default defineConfig({
  ...base,
  test: {
    ...baseTest,
    globalSetup: ["tests/support/global-setup.ts"],
    provide: { database: "mariadb" },
    include: ["tests/e2e/**/*.e2e.ts"],
    exclude: ["node_modules/**", "frontend/**"],
    // One browser at a time: two cores are shared by Chromium, Node and MariaDB.
    fileParallelism: false,
    maxWorkers: 1,
    // Files run one after another in one worker: loading the server's modules once instead of
    // once per file saves ~10 s a file. Each file still boots its own server and database.
    isolate: false,
    testTimeout: 60_000,
    passWithNoTests: true,
  },
});
