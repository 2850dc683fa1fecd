import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { buildCli, emptyDesk, type BuiltCli, type Desk } from "./built-cli.js";

/** The `deskql` commands from a built copy (plain node, compiled JavaScript), as the image runs them. */
let cli: BuiltCli;
let desk: Desk;
let t: TestServer | undefined;

beforeAll(async () => {
  [cli, desk] = await Promise.all([buildCli(), emptyDesk()]);
}, 120_000);
afterAll(async () => {
  await t?.close();
  await desk?.remove();
  cli?.remove();
});

describe("deskql", { timeout: 120_000 }, () => {
  it("lists its commands with --help and refuses an unknown one with exit code 64", async () => {
    const help = await cli.run(["--help"], {});
    expect(help.code).toBe(0);
    for (const command of ["migrate", "seed", "create-admin", "keys rotate", "backup", "restore", "jobs", "check-config"]) expect(help.stdout).toContain(`deskql ${command}`);
    // `deskql jobs` is handed to the job runner's own commands.
    const jobs = await cli.run(["jobs", "list"], { DATA_DIR: join(desk.dir, "elsewhere") });
    expect(jobs.code).toBe(0);
    expect(jobs.stdout).toMatch(/^events\.purge\t/m);
    const unknown = await cli.run(["frobnicate"], {});
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"/);
  });

  it("check-config reports bad settings with exit code 78, and what the server needs without starting it", async () => {
    const bad = await cli.run(["check-config"], { ...desk.env, PORT: "seventy", NODE_ENV: "production" });
    expect(bad.code).toBe(78);
    expect(bad.stderr).toMatch(/PORT/);

    const offline = await cli.run(["check-config", "--offline"], { ...desk.env, NODE_ENV: "production", DATABASE_URL: "mysql://deskql:secret@db.invalid:3306/deskql" });
    expect(offline.code).toBe(1);
    expect(offline.stdout).toMatch(/PROBLEM {2}TLS: .* is missing/);
    expect(offline.stdout).toMatch(/PROBLEM {2}Signing keys: none in /);
    expect(offline.stdout).not.toContain("secret"); // the database password is never printed

    const fine = await cli.run(["check-config"], desk.env);
    expect(fine.stdout).toContain("The configuration is valid.");
    expect(fine.code).toBe(0);
  });

  it("migrate applies every migration once; a second run finds none pending", async () => {
    const first = await cli.run(["migrate"], desk.env);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Applied Migration\d+/);
    const again = await cli.run(["migrate"], desk.env);
    expect(again.stdout.trim()).toBe("No pending migrations.");
    const check = await cli.run(["check-config"], desk.env);
    expect(check.stdout).toContain("every migration applied");
  });

  it("create-admin makes an admin who signs in with the printed one-time password or the piped one", async () => {
    const printed = await cli.run(["create-admin", "--email", "Ops@Example.test", "--name", "Olga Ops"], desk.env);
    expect(printed.stderr).toBe("");
    expect(printed.code).toBe(0);
    const password = /One-time password: (\S+)/.exec(printed.stdout)?.[1];
    expect(password).toBeDefined();

    const piped = await cli.run(["create-admin", "--email", "piped@example.test", "--name", "Pia Piped", "--password-stdin"], desk.env, "stdin delivers this secret 42\n");
    expect(piped.code).toBe(0);
    expect(piped.stdout).not.toContain("One-time password");

    const again = await cli.run(["create-admin", "--email", "ops@example.test", "--name", "Olga Again"], desk.env);
    expect(again.code).toBe(73);
    expect(again.stderr).toMatch(/exists already/);
    const weak = await cli.run(["create-admin", "--email", "weak@example.test", "--name", "Weak", "--password-stdin"], desk.env, "short\n");
    expect(weak.code).toBe(64);

    // Reloading the keys folder every second: the embedded database has no event tail to hear a rotation by.
    t = await startTestServer({ env: { ...desk.env, JWT_KEYS_RELOAD_SECONDS: "1" } });
    const me = `{ me { email displayName role } }`;
    const olga = await t.login("ops@example.test", password!);
    expect((await t.gql(me, {}, olga.accessToken)).data?.me).toEqual({ email: "ops@example.test", displayName: "Olga Ops", role: "ADMIN" });
    const pia = await t.login("piped@example.test", "stdin delivers this secret 42");
    expect((await t.gql(me, {}, pia.accessToken)).data?.me).toMatchObject({ role: "ADMIN" });
  });

  it("keys rotate writes a new signing key that the JWKS lists", async () => {
    const before = (await t!.http<{ keys: { kid: string }[] }>("/.well-known/jwks.json")).body.keys.map((k) => k.kid);
    const rotated = await cli.run(["keys", "rotate"], desk.env);
    expect(rotated.code).toBe(0);
    const kid = /New signing key (\S+)/.exec(rotated.stdout)?.[1];
    expect(before).not.toContain(kid);
    expect(rotated.stdout).toContain("Recorded the rotation");
    // The running server hears the recorded rotation (or reloads the folder) and publishes the key.
    await expect.poll(async () => (await t!.http<{ keys: { kid: string }[] }>("/.well-known/jwks.json")).body.keys.map((k) => k.kid), { timeout: 20_000, interval: 200 }).toContain(kid);
  });

  it("backup refuses a passphrase too short to protect anything", async () => {
    const file = join(desk.dir, "short");
    writeFileSync(file, "hunter2\n");
    const result = await cli.run(["backup", "--out", join(desk.dir, "b.tar.gz"), "--passphrase-file", file], desk.env);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/shorter than 12 characters/);
  });
});
