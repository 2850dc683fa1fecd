import type { TestServer } from "../../support/server.js";

/** People of a test desk: the startup admin, two agents and a customer, each with a token. */
export interface Desk {
  admin: { id: string; token: string };
  agent: { id: string; token: string };
  otherAgent: { id: string; token: string };
  customer: { id: string; token: string };
}

export async function createDesk(t: TestServer): Promise<Desk> {
  const adminToken = await t.adminToken();
  const me = await t.gql(`{ me { id } }`, {}, adminToken);
  const [agent, otherAgent, customer] = await Promise.all([t.createUser("AGENT", "Alice Agent"), t.createUser("AGENT", "Bob Agent"), t.createUser("CUSTOMER", "Carol Customer")]);
  return { admin: { id: me.data!.me.id, token: adminToken }, agent, otherAgent, customer };
}

/** Fails the test with the server's errors instead of a confusing `undefined` later on. */
export function ok<T = Record<string, any>>(res: { data?: any; errors?: unknown[] }, field: string): T {
  if (res.errors?.length || !res.data?.[field]) throw new Error(`${field} failed: ${JSON.stringify(res.errors)}`);
  return res.data[field] as T;
}

export async function createProject(t: TestServer, token: string, input: Record<string, unknown>): Promise<{ id: string; key: string; version: number }> {
  return ok(await t.gql(`mutation($i: CreateProjectInput!) { createProject(input: $i) { id key version } }`, { i: { name: `Project ${input.key}`, ...input } }, token), "createProject");
}

export interface IssueRef {
  id: string;
  key: string;
  number: number;
  status: string;
  version: number;
}

export async function createIssue(t: TestServer, token: string, input: Record<string, unknown>): Promise<IssueRef> {
  return ok(
    await t.gql(`mutation($i: CreateIssueInput!) { createIssue(input: $i) { id key number status version } }`, { i: { title: "Something to do", ...input } }, token),
    "createIssue",
  );
}

/** Counts the SQL statements the server sends while `work` runs (requests must not overlap). */
export async function countStatements<T>(t: TestServer, work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const knex = (t.server.orm.em.getConnection() as unknown as { getKnex(): { on(e: string, f: () => void): void; off(e: string, f: () => void): void } }).getKnex();
  let statements = 0;
  const onQuery = () => void statements++;
  knex.on("query", onQuery);
  try {
    const result = await work();
    return { result, statements };
  } finally {
    knex.off("query", onQuery);
  }
}

export interface AuditRecord {
  action: string;
  actorId: string | null;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, any> | null;
}

/**
 * The audit events on one object, oldest first, read from the database. (MariaDB hands JSON
 * columns back as text, so `details` is parsed here whatever the driver returned.)
 */
export async function auditTrail(t: TestServer, targetId: string): Promise<AuditRecord[]> {
  type Row = { action: string; actor_id: string | null; target_type: string | null; target_id: string | null; details: unknown };
  const rows: Row[] = await t.server.orm.em
    .fork()
    .getConnection()
    .execute("select action, actor_id, target_type, target_id, details from audit_events where target_id = ? order by created_at, id", [targetId]);
  return rows.map((r) => ({
    action: r.action,
    actorId: r.actor_id,
    targetType: r.target_type,
    targetId: r.target_id,
    details: typeof r.details === "string" ? JSON.parse(r.details) : (r.details as Record<string, any> | null),
  }));
}
