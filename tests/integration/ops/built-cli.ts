import { execFile, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { onMariaDb } from "../../support/dialect.js";

const root = new URL("../../../", import.meta.url).pathname;

export interface BuiltCli {
  /** Runs `deskql <args>` from the built copy; never rejects, the exit code is the result. */
  run(args: string[], env: Record<string, string>, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  remove(): void;
}

/**
 * The CLI as the image runs it: compiled JavaScript (swc, as `npm run build:server`) run by
 * plain `node`, no TypeScript loader and no Vitest. Built into its own folder under
 * node_modules/.cache, so that tests running beside it never see `dist/` half rewritten;
 * packages resolve from the repository's node_modules like the image's.
 */
export async function buildCli(): Promise<BuiltCli> {
  mkdirSync(join(root, "node_modules/.cache"), { recursive: true });
  const out = mkdtempSync(join(root, "node_modules/.cache/deskql-cli-"));
  await promisify(execFile)(join(root, "node_modules/.bin/swc"), ["src", "-d", out, "--config-file", ".swcrc", "-q"], { cwd: root });
  copyFileSync(join(root, "src/modules/auth/common-passwords.txt"), join(out, "src/modules/auth/common-passwords.txt"));
  // The image's package.json: ES modules, the name and version the manifest records.
  writeFileSync(join(out, "package.json"), JSON.stringify({ name: "deskql", version: "0.1.0-test", type: "module" }));
  const main = join(out, "src/cli/main.js");
  return {
    run: (args, env, stdin) =>
      new Promise((resolve, reject) => {
        // Only what the command needs: no Vitest or test-runner variables leak into it.
        const child = spawn(process.execPath, [main, ...args], { cwd: out, env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", LOG_LEVEL: "silent", ...env } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
        child.stdin.end(stdin ?? "");
      }),
    remove: () => rmSync(out, { recursive: true, force: true }),
  };
}

export interface Desk {
  /** DATA_DIR (and on MariaDB DATABASE_URL): for startTestServer and for the CLI. */
  env: Record<string, string>;
  dir: string;
  remove(): Promise<void>;
}

/** An empty desk of the project's database: its own data folder, and on MariaDB a new database. */
export async function emptyDesk(): Promise<Desk> {
  const dir = mkdtempSync(join(tmpdir(), "deskql-desk-"));
  const db: TestDatabase | null = onMariaDb ? await createTestDatabase() : null;
  return {
    env: { DATA_DIR: join(dir, "data"), ...(db ? { DATABASE_URL: db.url } : {}) },
    dir,
    async remove() {
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
