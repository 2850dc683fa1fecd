import { afterEach, describe, expect, it } from "vitest";
import { onSqlite } from "../../support/dialect.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "../../support/server.js";
import { startOwnServer, type OwnServer } from "./own-server.js";

/** Readiness follows the database and shutdown; shutdown drains in-flight requests first. */
let s: OwnServer | undefined;
afterEach(async () => {
  await s?.dispose().catch(() => {});
  s = undefined;
});

const sql = (server: OwnServer, query: string) => server.server.orm.em.fork().getConnection().execute(query);

describe("readiness", () => {
  it("is 503 while a committed migration is not applied, and ready again once it is", async () => {
    s = await startOwnServer();
    expect((await s.http("/ready")).status).toBe(200);
    const [last] = await sql(s, "select id, name from mikro_orm_migrations order by id desc limit 1");
    await sql(s, `delete from mikro_orm_migrations where id = ${Number(last.id)}`);
    const pending = await s.http("/ready");
    expect(pending.status).toBe(503);
    expect(pending.body).toEqual({ status: "migrations_pending" });
    expect((await s.http("/health")).status).toBe(200); // alive, just not ready
    await sql(s, `insert into mikro_orm_migrations (id, name, executed_at) values (${Number(last.id)}, '${last.name}', ${onSqlite ? "current_timestamp" : "now()"})`);
    expect((await s.http("/ready")).status).toBe(200);
  });

  // MariaDB only: the test takes the database away by dropping it on the server; an embedded
  // file the server holds open cannot be taken away like that.
  it.skipIf(onSqlite)("is 503 when the database is unreachable", async () => {
    s = await startOwnServer();
    await s.db!.drop();
    const res = await s.http("/ready");
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: "database_unavailable" });
    expect((await s.http("/health")).status).toBe(200);
  });
});

describe("graceful shutdown", () => {
  it("fails readiness, lets an in-flight sign-in finish, then closes the database pool", async () => {
    // A slow hash keeps the sign-in in flight while shutdown begins.
    s = await startOwnServer({ env: { ARGON2_TIME_COST: "20" } });
    const server = s.server;
    const events: string[] = [];

    // Recorded when the server has sent the whole answer: the client may read it only after an
    // embedded database (closed at once, unlike a MariaDB pool) is already closed.
    let arrived!: () => void;
    const loginArrived = new Promise<void>((resolve) => (arrived = resolve));
    server.app.server.on("request", (req, reply) => {
      if (req.url !== "/graphql") return;
      arrived();
      reply.on("finish", () => events.push("login answered"));
    });
    const login = s.gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    // Shutdown begins once the sign-in is in flight (on a loaded machine a fixed pause may end before it arrives).
    await loginArrived;
    await new Promise((r) => setTimeout(r, 50)); // the request is now hashing
    const closing = server.close().then(() => events.push("closed"));

    const ready = await server.app.inject({ method: "GET", url: "/ready" });
    expect(ready.statusCode).toBe(503);
    // Late requests are answered 503 with Connection: close while the drain lasts, not reset (faults/shutdown.test.ts).
    const late = await s.http("/health");
    expect(late.status).toBe(503);
    expect(late.headers.connection).toBe("close");

    const res = await login;
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.login.accessToken).toEqual(expect.any(String));
    await closing;
    expect(events).toEqual(["login answered", "closed"]);
    expect(await server.orm.isConnected()).toBe(false);
  });
});
