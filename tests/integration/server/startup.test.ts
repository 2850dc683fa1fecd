import { execFile, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The built server (`node dist/src/main.js`) in a child process: a bad or missing setting
 * stops it with a message and exit code 78 (EX_CONFIG); production refuses development
 * defaults; a development start prints the first admin's password once and stops on SIGTERM.
 * The build goes to its own folder under dist/, so it never races another build.
 */
const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../../..");
let build: string;
let work: string;

beforeAll(async () => {
  build = join(root, "dist", `.startup-test-${process.pid}`);
  await run(join(root, "node_modules/.bin/swc"), ["src", "-d", build, "--config-file", ".swcrc", "-q"], { cwd: root });
  copyFileSync(join(root, "src/modules/auth/common-passwords.txt"), join(build, "src/modules/auth/common-passwords.txt"));
  work = mkdtempSync(join(tmpdir(), "deskql-startup-"));
}, 60_000);
afterAll(() => {
  if (build) rmSync(build, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs main.js with exactly `env` (plus PATH), in a scratch directory. */
function main(env: Record<string, string>, options: { until?: RegExp; timeoutMs?: number } = {}): Promise<Exit & { signalled: boolean }> {
  return new Promise((resolveExit, reject) => {
    const child = spawn(process.execPath, [join(build, "src/main.js")], { cwd: work, env: { PATH: process.env.PATH ?? "", ...env } });
    let stdout = "";
    let stderr = "";
    let signalled = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`main.js did not finish in time.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    const watch = () => {
      if (options.until && !signalled && options.until.test(stdout + stderr)) {
        signalled = true;
        child.kill("SIGTERM");
      }
    };
    child.stdout.on("data", (c: Buffer) => ((stdout += c.toString("utf8")), watch()));
    child.stderr.on("data", (c: Buffer) => ((stderr += c.toString("utf8")), watch()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolveExit({ code, stdout, stderr, signalled });
    });
  });
}

function scratch(name: string) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  return {
    DATA_DIR: join(dir, "data"),
    TLS_CERT_FILE: join(dir, "ssl/cert.pem"),
    TLS_KEY_FILE: join(dir, "ssl/key.pem"),
    CLIENT_DIR: join(dir, "no-client"),
    HOST: "127.0.0.1",
    PORT: "0",
  };
}

describe("bad settings", () => {
  it.each([
    [{ PORT: "abc" }, /PORT/],
    [{ DATABASE_URL: "postgres://db/deskql" }, /DATABASE_URL must start with mysql:\/\//],
    [{ CORS_ORIGINS: "https://desk.example.test/" }, /CORS_ORIGINS/],
  ])("stop the server with exit code 78 and a message naming the setting: %o", async (env, message) => {
    const exit = await main({ ...scratch("bad"), ...env });
    expect(exit.code).toBe(78);
    expect(exit.stderr).toMatch(/^Invalid configuration:/);
    expect(exit.stderr).toMatch(message);
    expect(exit.stderr).toMatch(/See \.env\.example/);
    expect(exit.stderr).not.toMatch(/\bat .*\.js:\d+/); // a message, not a stack trace
  });

  it("refuses an ADMIN_PASSWORD the password policy would refuse", async () => {
    const exit = await main({ ...scratch("weak-admin"), ADMIN_PASSWORD: "short" });
    expect(exit.code).toBe(78);
    expect(exit.stderr).toMatch(/ADMIN_PASSWORD: the password must be at least 12 characters long/);
  });
});

describe("production refuses development defaults", () => {
  const production = { NODE_ENV: "production", DATABASE_URL: "mysql://deskql@127.0.0.1:9/deskql" }; // never reached

  it("refuses the embedded database", async () => {
    const exit = await main({ ...scratch("prod-db"), NODE_ENV: "production" });
    expect(exit.code).toBe(78);
    expect(exit.stderr).toMatch(/DATABASE_URL is required in production/);
  });

  it("refuses to generate a self-signed certificate", async () => {
    const dirs = scratch("prod-tls");
    const exit = await main({ ...dirs, ...production });
    expect(exit.code).toBe(78);
    expect(exit.stderr).toMatch(/TLS_CERT_FILE: no TLS certificate .*ALLOW_SELF_SIGNED_TLS=true/s);
    expect(existsSync(dirs.TLS_CERT_FILE)).toBe(false);
  });

  it("refuses a self-signed certificate left from development", async () => {
    const dirs = scratch("prod-selfsigned");
    const pems = await generate([{ name: "commonName", value: "localhost" }], { keySize: 2048, algorithm: "sha256" });
    mkdirSync(join(work, "prod-selfsigned/ssl"), { recursive: true });
    writeFileSync(dirs.TLS_CERT_FILE, pems.cert);
    writeFileSync(dirs.TLS_KEY_FILE, pems.private);
    const exit = await main({ ...dirs, ...production });
    expect(exit.code).toBe(78);
    expect(exit.stderr).toMatch(/TLS_CERT_FILE: .* is self-signed/);
  });

  it("refuses to generate signing keys", async () => {
    const dirs = scratch("prod-keys");
    const exit = await main({ ...dirs, ...production, ALLOW_SELF_SIGNED_TLS: "true" });
    expect(exit.code).toBe(78);
    expect(exit.stderr).toMatch(/JWT_KEYS_DIR: no JWT signing key .*ALLOW_GENERATED_KEYS=true/s);
    expect(readdirSync(join(dirs.DATA_DIR, "keys")).filter((f) => f.endsWith(".json"))).toEqual([]);
  });
});

describe("a development start", () => {
  it("prints a generated first-admin password once, to the console only, and stops cleanly on SIGTERM", { timeout: 150_000 }, async () => {
    const dirs = scratch("dev");
    const first = await main(dirs, { until: /It is shown only this once/ });
    expect(first.signalled).toBe(true);
    expect(first.code).toBe(0);
    const password = /with the password: (\S+)/.exec(first.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(first.stdout).toMatch(/Sign in at https:\/\/localhost:\d+\/ as admin@deskql\.localhost/);
    // The JSON log lines never carry it.
    const logLines = first.stdout.split("\n").filter((l) => l.startsWith("{"));
    expect(logLines.some((l) => l.includes("DeskQL is listening"))).toBe(true);
    expect(logLines.join("\n")).not.toContain(password);
    expect(logLines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);

    const second = await main(dirs, { until: /DeskQL is listening/ });
    expect(second.code).toBe(0);
    expect(second.stdout).not.toMatch(/First admin account created/);
  });
});
