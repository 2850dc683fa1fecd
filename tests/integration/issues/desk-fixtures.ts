import type { FilterQuery } from "@mikro-orm/core";
import { DomainEventRecord } from "../../../src/db/domain-event.entity.js";
import type { GraphQLResult, TestServer } from "../../support/server.js";

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

/** Sends a query and reads how many SQL statements the server ran for it (x-sql-statements, on in tests). */
export async function statementsFor(t: TestServer, query: string, variables: Record<string, unknown>, token: string): Promise<{ result: GraphQLResult; statements: number }> {
  const res = await t.http<GraphQLResult>("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const header = res.headers["x-sql-statements"];
  if (typeof header !== "string") throw new Error("the server does not expose x-sql-statements");
  return { result: res.body, statements: Number(header) };
}

/**
 * The fewest statements over a few runs of the same query: authentication occasionally adds a
 * lookup when the viewer cache entry expires, which is not what the page costs.
 */
export async function fewestStatements(t: TestServer, query: string, variables: Record<string, unknown>, token: string, runs = 3): Promise<number> {
  let fewest = Infinity;
  for (let i = 0; i < runs; i++) {
    const { result, statements } = await statementsFor(t, query, variables, token);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    fewest = Math.min(fewest, statements);
  }
  return fewest;
}

export interface AuditRecord {
  action: string;
  actorId: string | null;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, any> | null;
}

/** The audit events on one object, oldest first, as an admin reads them in the audit trail. */
export async function auditTrail(t: TestServer, targetId: string): Promise<AuditRecord[]> {
  const res = await t.gql(
    `query($id: ID) { auditEvents(first: 100, filter: { targetId: $id }) { nodes { action targetType targetId details actor { id } } } }`,
    { id: targetId },
    await t.adminToken(),
  );
  if (res.errors) throw new Error(`auditEvents failed: ${JSON.stringify(res.errors)}`);
  type Node = { action: string; targetType: string | null; targetId: string | null; details: Record<string, any> | null; actor: { id: string } | null };
  return (res.data!.auditEvents.nodes as Node[])
    .map((e) => ({ action: e.action, actorId: e.actor?.id ?? null, targetType: e.targetType, targetId: e.targetId, details: e.details }))
    .reverse();
}

export interface StoredEvent {
  position: number;
  type: string;
  actorId: string | null;
  target: { type: string; id: string };
  refs: { ticketId: string | null; issueId: string | null; projectId: string | null; userId: string | null };
  visibility: string;
  payload: Record<string, any>;
}

/** The rows of the durable `domain_events` table, in position order, straight from the test's database. */
export async function storedEvents(t: TestServer, where: { type?: string | string[]; targetId?: string } = {}): Promise<StoredEvent[]> {
  const filter: FilterQuery<DomainEventRecord> = {};
  if (where.type) filter.type = { $in: ([] as string[]).concat(where.type) };
  if (where.targetId) filter.targetId = where.targetId;
  const rows = await t.server.orm.em.fork().find(DomainEventRecord, filter, { orderBy: { position: "asc" } });
  return rows.map((r) => ({
    position: r.position,
    type: r.type,
    actorId: r.actorId,
    target: { type: r.targetType, id: r.targetId },
    refs: { ticketId: r.ticketId, issueId: r.issueId, projectId: r.projectId, userId: r.userId },
    visibility: r.visibility,
    payload: r.payload,
  }));
}
