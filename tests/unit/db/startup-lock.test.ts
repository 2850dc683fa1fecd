import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { acquireStartupLock, StartupLockTimeout, startupLockName } from "../../../src/db/startup-lock.js";

/** The embedded database's startup lock: a file beside it (src/db/startup-lock.ts). */
const dir = mkdtempSync(join(tmpdir(), "deskql-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const database = () => ({ kind: "sqlite" as const, file: join(dir, `db${++n}.sqlite`), poolMax: 1, debug: false });

describe("the embedded database's startup lock", () => {
  it("is held by one process at a time: the next waits, then gets it once it is released", async () => {
    const db = database();
    const first = await acquireStartupLock(db, 5);
    const order: string[] = [];
    const second = acquireStartupLock(db, 5).then((lock) => (order.push("second acquired"), lock));
    await new Promise((resolve) => setImmediate(resolve)); // the second has tried once
    order.push("first releasing");
    await first.release();
    await (await second).release();
    expect(order).toEqual(["first releasing", "second acquired"]);
    expect(existsSync(`${db.file}.startup.lock`)).toBe(false);
  });

  it("gives up after the wait, saying which file and which setting", async () => {
    const db = database();
    const held = await acquireStartupLock(db, 5);
    const error = await acquireStartupLock(db, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupLockTimeout);
    expect((error as Error).message).toMatch(/startup\.lock .*MIGRATIONS_WAIT_SECONDS/);
    await held.release();
  });

  it("takes over a lock left by a process of this host that has exited", async () => {
    const db = database();
    const gone = spawnSync(process.execPath, ["-e", "process.exit(0)"]).pid!;
    writeFileSync(`${db.file}.startup.lock`, JSON.stringify({ pid: gone, host: hostname(), token: "gone" }));
    await (await acquireStartupLock(db, 1)).release();
  });

  it("takes over a lock nobody has refreshed for a while (its holder died elsewhere)", async () => {
    const db = database();
    const path = `${db.file}.startup.lock`;
    writeFileSync(path, JSON.stringify({ pid: 1, host: "another-host", token: "frozen" }));
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    await (await acquireStartupLock(db, 1)).release();
  });
});

describe("the MySQL startup lock's name", () => {
  it("is one per database and fits GET_LOCK's 64 characters", () => {
    expect(startupLockName("mysql://u:p@db:3306/deskql")).toBe("deskql.startup.deskql");
    const long = startupLockName(`mysql://db/${"x".repeat(60)}`);
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).not.toBe(startupLockName(`mysql://db/${"y".repeat(60)}`));
  });
});
