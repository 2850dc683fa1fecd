import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { initOrm, type Orm } from "../../../src/db/orm.js";
import { DEMO_PASSWORD, DemoDeskSeeder, type DemoDeskOptions } from "../../../src/db/seeders/demo-desk.seeder.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { onSqlite } from "../../support/dialect.js";
import { ADMIN_EMAIL, startTestServer, type TestServer } from "../../support/server.js";

const NOW = new Date("2026-11-20T09:00:00.000Z");
let t: TestServer;
let options: DemoDeskOptions;
let seeded: DemoDeskSeeder;
const spares: { db: TestDatabase | null; orm: Orm }[] = [];

/** A second, empty database with the schema, to seed again and compare. */
async function spareDesk(): Promise<Orm> {
  const db = onSqlite ? null : await createTestDatabase();
  const where = db ? { DATABASE_URL: db.url, DATABASE_POOL_MAX: "2" } : { DATA_DIR: mkdtempSync(join(tmpdir(), "deskql-spare-")) };
  const orm = await initOrm(loadConfig({ NODE_ENV: "test", ...where }));
  spares.push({ db, orm });
  return orm;
}

/** Every demo row of the desk, in a stable order (the startup admin and password hashes left out: salts differ). */
async function dump(orm: Orm): Promise<Record<string, unknown[]>> {
  const connection = orm.em.fork().getConnection();
  const tables: Record<string, string> = {
    users: `select id, email, display_name, role, created_at from users where email <> '${ADMIN_EMAIL}' order by id`,
    projects: "select * from projects order by id",
    tickets: "select * from tickets order by id",
    issues: "select * from issues order by id",
    comments: "select * from comments order by id",
    links: "select * from ticket_issue_links order by id",
    audit: "select id, actor_id, action, target_type, target_id, details, created_at from audit_events where action <> 'USER_CREATED' order by id",
    // The events counter counts the startup admin's creation too (the seeder writes rows, not events).
    counters: "select * from counters where name <> 'domain_events' order by name",
  };
  const out: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(tables)) out[name] = await connection.execute(sql);
  return out;
}

beforeAll(async () => {
  t = await startTestServer();
  options = { scale: 0.02, seed: 42, now: NOW, config: t.server.services.config, quiet: true };
  seeded = new DemoDeskSeeder(options);
  await seeded.run(t.server.orm.em.fork());
});
afterAll(async () => {
  for (const spare of spares) {
    await spare.orm.close(true);
    await spare.db?.drop();
  }
  await t?.close();
});

describe("the demo desk seeder", () => {
  it("seeds a scaled-down desk with the expected counts", async () => {
    expect(seeded.summary).toMatchObject({ users: 8, projects: 5, tickets: 100, issues: 20, comments: 500, links: 20 });
    const counts = await t.server.orm.em
      .fork()
      .getConnection()
      .execute(
        `select (select count(*) from users) as users, (select count(*) from tickets) as tickets, (select count(*) from issues) as issues,
         (select count(*) from comments) as comments, (select count(*) from projects) as projects, (select count(*) from ticket_issue_links) as links,
         (select count(*) from comments where internal) as internal`,
      );
    const c = Object.fromEntries(Object.entries(counts[0] as Record<string, unknown>).map(([k, v]) => [k, Number(v)]));
    expect(c).toMatchObject({ users: 9, tickets: 100, issues: 20, comments: 500, projects: 5, links: 20 });
    expect(c.internal).toBeGreaterThan(0);
  });

  it("gives the same desk for the same seed, and another for another seed", async () => {
    const again = await spareDesk();
    await new DemoDeskSeeder(options).run(again.em.fork());
    const [ours, theirs] = await Promise.all([dump(t.server.orm), dump(again)]);
    for (const table of Object.keys(ours)) expect(theirs[table], table).toEqual(ours[table]);

    const other = await spareDesk();
    await new DemoDeskSeeder({ ...options, seed: 43 }).run(other.em.fork());
    expect((await dump(other)).tickets).not.toEqual(ours.tickets);
  });

  it("does nothing when the desk is already seeded", async () => {
    const before = await dump(t.server.orm);
    await new DemoDeskSeeder(options).run(t.server.orm.em.fork());
    expect(await dump(t.server.orm)).toEqual(before);
  });

  it("lets demo users sign in with the documented password", async () => {
    const agent = await t.login("alice.nguyen@desk.example.com", DEMO_PASSWORD);
    const me = await t.gql(`{ me { displayName role } }`, {}, agent.accessToken);
    expect(me.data!.me).toEqual({ displayName: "Alice Nguyen", role: "AGENT" });
    const customers = await t.gql(`{ users(filter: { role: CUSTOMER }) { nodes { email } } }`, {}, await t.adminToken());
    const customer = await t.login(customers.data!.users.nodes[0].email, DEMO_PASSWORD);
    const own = await t.gql(`{ tickets(first: 100) { totalCount nodes { requester { id } } } }`, {}, customer.accessToken);
    expect(own.data!.tickets.nodes.every((n: { requester: { id: string } }) => n.requester.id === customer.userId)).toBe(true);
  });

  it("leaves the counters where the modules carry on: the next ticket and issue follow the seeded ones", async () => {
    const agent = await t.login("alice.nguyen@desk.example.com", DEMO_PASSWORD);
    const customers = await t.gql(`{ users(first: 1, filter: { role: CUSTOMER }) { nodes { id } } }`, {}, await t.adminToken());
    const ticket = await t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { number } }`, { i: { subject: "After the seed", description: "x", requesterId: customers.data!.users.nodes[0].id } }, agent.accessToken);
    expect(ticket.data!.createTicket.number).toBe(101);
    const ops = await t.gql(`{ project(key: "OPS") { id issues(first: 1, orderBy: { field: CREATED_AT, direction: DESC }) { nodes { number } } } }`, {}, agent.accessToken);
    const issue = await t.gql(`mutation($i: CreateIssueInput!) { createIssue(input: $i) { key number } }`, { i: { projectId: ops.data!.project.id, title: "After the seed" } }, agent.accessToken);
    expect(issue.data!.createIssue.number).toBe(ops.data!.project.issues.nodes[0].number + 1);
  });

  it("keeps the rules the modules enforce", async () => {
    const agent = await t.login("alice.nguyen@desk.example.com", DEMO_PASSWORD);
    const res = await t.gql(
      `{ issues(first: 100) { nodes { key status assignee { id } parent { status } subIssues { status } } } }`,
      {},
      agent.accessToken,
    );
    for (const issue of res.data!.issues.nodes as { key: string; status: string; assignee: unknown; parent: { status: string } | null; subIssues: { status: string }[] }[]) {
      if (["IN_PROGRESS", "IN_REVIEW"].includes(issue.status)) expect(issue.assignee, issue.key).not.toBeNull();
      if (issue.status === "DONE") expect(issue.subIssues.filter((s) => !["DONE", "CANCELED"].includes(s.status)), issue.key).toEqual([]);
    }
    const tickets = await t.gql(`{ tickets(first: 100) { nodes { status assignee { id } history { action } comments(first: 1) { totalCount } } } }`, {}, agent.accessToken);
    const nodes = tickets.data!.tickets.nodes as { status: string; assignee: unknown; history: { action: string }[] }[];
    expect(new Set(nodes.map((n) => n.status)).size).toBeGreaterThanOrEqual(4);
    for (const n of nodes) {
      expect(n.history[0]?.action).toBe("TICKET_CREATED");
      if (n.status === "IN_PROGRESS") expect(n.assignee).not.toBeNull();
    }
  });
});
