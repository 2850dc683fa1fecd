import type { RowDataPacket } from "mysql2/promise";
import type { BenchDatabase } from "./database.js";
import { ADD_COMMENT, BENCH_COMMENT_PREFIX, QUEUE, SEARCH, TICKET } from "./documents.js";
import { gql, post } from "./https-client.js";
import {
  addCommentWorkload,
  LOGIN,
  loginWorkload,
  queueSignature,
  queueWorkload,
  searchWorkload,
  ticketSignature,
  ticketWorkload,
  type Account,
  type Scenario,
  type SearchCase,
  type ServerName,
} from "./scenarios.js";
import type { ServerProcess } from "./server-process.js";
import { settings } from "./settings.js";
import { captureStatements, type CapturedRequest } from "./sql-capture.js";

export interface PlanContext {
  db: BenchDatabase;
  servers: Record<ServerName, ServerProcess>;
  ca: Buffer;
  /** The demo desk's shared password (DemoDeskSeeder). */
  password: string;
  log(message: string): void;
}

export interface Plan {
  scenarios: Scenario[];
  /** Q1 at other page sizes, for the statements-per-request curve. */
  sweep: { pageSize: number; scenario: Scenario }[];
  /** Why B1 was left out, when its bytes differed from DeskQL's. */
  b1Problem: string | null;
  /** The statements each server sends for one Q1 and one Q2, priced one by one. */
  captured: CapturedRequest[];
  notes: string[];
}

const Q2_TICKETS = 200;
const Q3_TICKETS = 1000;
const Q5_CUSTOMERS = 20;
const STOPWORDS = new Set("about are and for from how that the this was what when where who will with".split(" "));

async function rows<T extends RowDataPacket>(db: BenchDatabase, sql: string, params: unknown[] = []): Promise<T[]> {
  const [result] = await db.connection.query<T[]>(sql, params);
  return result;
}

async function signIn(port: number, ca: Buffer, email: string, password: string): Promise<Account> {
  const { data } = await gql<{ login: { accessToken: string; user: { id: string; role: string } } }>(port, ca, LOGIN, { i: { email, password } });
  return { id: data.login.user.id, email, password, role: data.login.user.role, token: data.login.accessToken };
}

/** Runs `fn` over `items`, `width` at a time. */
async function inParallel<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/**
 * Our server's and B1's answers to the same request must be the same bytes. timeOpen counts
 * whole seconds up to "now", so DeskQL's answer is taken between two of B1's and must equal one
 * of them. On a loaded machine a DeskQL answer can take long enough for a second to tick while
 * it is being written (each ticket reads the clock), so after a few tries the answers may differ
 * in timeOpen by at most one second and nowhere else; the note says which held.
 */
async function sameBytes(ctx: PlanContext, token: string, body: string): Promise<{ problem: string | null; exact: boolean }> {
  const ask = async (port: number) => (await post(port, "/graphql", body, { authorization: `Bearer ${token}` }, ctx.ca)).text;
  const TIME_OPEN = /"timeOpen":(\d+)/g;
  let problem = "";
  for (let attempt = 0; attempt < 6; attempt++) {
    const before = await ask(ctx.servers.b1.port);
    const ours = await ask(ctx.servers.main.port);
    const after = await ask(ctx.servers.b1.port);
    if (ours === before || ours === after) return { problem: null, exact: true };
    const oursTimes = [...ours.matchAll(TIME_OPEN)].map((m) => Number(m[1]));
    const afterTimes = [...after.matchAll(TIME_OPEN)].map((m) => Number(m[1]));
    const sameElsewhere = ours.replace(TIME_OPEN, "") === after.replace(TIME_OPEN, "") && oursTimes.length === afterTimes.length;
    if (attempt >= 3 && sameElsewhere && oursTimes.every((t, i) => Math.abs(t - afterTimes[i]!) <= 1)) return { problem: null, exact: false };
    let i = 0;
    while (ours[i] === after[i]) i++;
    problem = `at byte ${i}: DeskQL …${ours.slice(Math.max(0, i - 60), i + 60)}… vs B1 …${after.slice(Math.max(0, i - 60), i + 60)}…`;
  }
  return { problem, exact: false };
}

/**
 * B2's answer to a request must be DeskQL's as JSON: same fields in the same order, same values,
 * except timeOpen, which may differ by the seconds that pass between the two answers.
 */
async function sameJson(ctx: PlanContext, token: string, body: string): Promise<string | null> {
  const ask = async (port: number) => (await post(port, "/graphql", body, { authorization: `Bearer ${token}` }, ctx.ca)).text;
  const normal = (text: string) => JSON.stringify(JSON.parse(text)).replace(/"timeOpen":\d+/g, '"timeOpen":0');
  const times = (text: string) => [...text.matchAll(/"timeOpen":(\d+)/g)].map((m) => Number(m[1]));
  let problem: string | null = null;
  for (let attempt = 0; attempt < 4; attempt++) {
    const started = performance.now();
    const ours = await ask(ctx.servers.main.port);
    const theirs = await ask(ctx.servers.b2.port);
    // timeOpen counts seconds to "now": the answers may differ by the seconds that passed between them.
    const slack = Math.ceil((performance.now() - started) / 1000) + 1;
    const a = normal(ours);
    const b = normal(theirs);
    if (a !== b) {
      let i = 0;
      while (a[i] === b[i]) i++;
      return `at character ${i}: DeskQL …${a.slice(Math.max(0, i - 60), i + 60)}… vs B2 …${b.slice(Math.max(0, i - 60), i + 60)}…`;
    }
    const [ta, tb] = [times(ours), times(theirs)];
    if (ta.every((t, i) => Math.abs(t - tb[i]!) <= slack)) return null;
    problem = `timeOpen differs by more than the ${slack} s between the two answers`;
  }
  return problem;
}

/** Signs in the demo users, takes reference answers and checks B1 against DeskQL, then lists the scenarios. */
export async function buildPlan(ctx: PlanContext): Promise<Plan> {
  const { db, ca, servers } = ctx;
  const port = servers.main.port;
  const notes: string[] = [];

  const [agentRow] = await rows(db, "select email from users where role = 'AGENT' and deactivated_at is null order by email limit 1");
  if (!agentRow) throw new Error("the demo desk has no agent: is DemoDeskSeeder complete?");
  const agent = await signIn(port, ca, agentRow.email, ctx.password);
  const customerRows = await rows(db, "select id, email from users where role = 'CUSTOMER' and deactivated_at is null order by email");
  const loginAccounts: Account[] = customerRows.map((r) => ({ id: r.id, email: r.email, password: ctx.password, role: "CUSTOMER", token: "" }));
  ctx.log(`signed in ${agent.email}; ${loginAccounts.length} customers for the sign-in scenarios`);

  // Q1 and its page-size sweep: reference answers from DeskQL itself.
  const queueFor = async (first: number) => {
    const body = JSON.stringify({ query: QUEUE, variables: { first } });
    const { data, text } = await gql<{ tickets: any }>(port, ca, QUEUE, { first }, agent.token);
    return { body, text, reference: { totalCount: data.tickets.totalCount, signature: queueSignature(data.tickets), size: data.tickets.nodes.length } };
  };
  const q1 = await queueFor(50);
  await servers.main.setFloorBody(q1.text);

  // Q2: every 25th ticket by number, with each one's reference answer.
  const ticketIds = (await rows(db, "select id from tickets order by number")).filter((_, i) => i % 25 === 0).slice(0, Q2_TICKETS).map((r) => r.id as string);
  const ticketRefs = new Map<string, string>();
  await inParallel(ticketIds, 8, async (id) => {
    const { data } = await gql<{ ticket: any }>(port, ca, TICKET, { id }, agent.token);
    ticketRefs.set(id, ticketSignature(data.ticket));
  });

  // B1 must answer byte for byte what DeskQL answers before it is measured.
  let b1Problem: string | null = null;
  let inexact = 0;
  const compare = async (label: string, body: string) => {
    if (b1Problem) return;
    const { problem, exact } = await sameBytes(ctx, agent.token, body);
    if (problem) b1Problem = `${label} ${problem}`;
    if (!exact) inexact++;
  };
  await compare("Q1", q1.body);
  for (const id of ticketIds.slice(0, 25)) await compare(`Q2 (ticket ${id})`, JSON.stringify({ query: TICKET, variables: { id } }));
  const equality = inexact
    ? `B1's answers equal DeskQL's byte for byte for Q1 and 25 Q2 tickets, except that in ${inexact} of the 26 a second ticked while DeskQL wrote its answer (timeOpen off by one, everything else identical)`
    : "B1's answers equal DeskQL's byte for byte for Q1 and 25 Q2 tickets";
  ctx.log(b1Problem ? `B1 differs from DeskQL, left out: ${b1Problem}` : equality);
  if (!b1Problem) notes.push(`${equality}.`);

  // B2 (Mercurius) must answer the same data: the same JSON once parsed (it ends without Apollo's newline).
  let b2Problem: string | null = null;
  for (const [label, body] of [["Q1", q1.body] as const, ...ticketIds.slice(0, 25).map((id) => [`Q2 (ticket ${id})`, JSON.stringify({ query: TICKET, variables: { id } })] as const)]) {
    const problem = await sameJson(ctx, agent.token, body);
    if (problem) {
      b2Problem = `${label} ${problem}`;
      break;
    }
  }
  ctx.log(b2Problem ? `B2 differs from DeskQL, left out: ${b2Problem}` : "B2's answers equal DeskQL's (as JSON) for Q1 and 25 Q2 tickets");
  notes.push(b2Problem ? `B2 was left out: its answer differed from DeskQL's ${b2Problem}` : "B2's answers equal DeskQL's as JSON (same fields, order and values; timeOpen within the second that may tick between the two) for Q1 and 25 Q2 tickets.");

  // Every statement each server sends for the same Q1 and Q2, for the side-by-side comparison.
  const q2Body = JSON.stringify({ query: TICKET, variables: { id: ticketIds[0] } });
  const ask = (server: ServerName, body: string) => async () => void (await post(servers[server].port, "/graphql", body, { authorization: `Bearer ${agent.token}` }, ca));
  const captured = await captureStatements(
    db,
    (["main", "b1", "b2"] as const).flatMap((server) => [
      { server, scenario: "Q1", send: ask(server, q1.body) },
      { server, scenario: "Q2", send: ask(server, q2Body) },
    ]),
  );

  // Q3: tickets still open to comments; a snapshot to put them back after every run.
  const q3Ids = (await rows(db, "select id from tickets where status <> 'CLOSED' order by number limit ?", [Q3_TICKETS])).map((r) => r.id as string);
  const resetQ3 = await snapshotForComments(db, q3Ids);

  // Q5: the customers with most tickets, each searching a word of their own subjects.
  const searchCases = await prepareSearches(ctx, port);

  const c = settings.connections;
  const scenarios: Scenario[] = [
    { id: "B0", title: "transport floor: Q1's bytes from a fixed route, same server, TLS and request", server: "main", connections: c, workload: queueWorkload("/bench/floor", agent.token, q1.body, q1.reference), fixedRate: true },
    { id: "Q1", title: "agent queue: 50 tickets, people, SLA fields, latest 3 comments with authors", server: "main", connections: c, workload: queueWorkload("/graphql", agent.token, q1.body, q1.reference), fixedRate: true },
    { id: "B1-Q1", title: "hand-written handler, same bytes as Q1", server: "b1", connections: c, workload: queueWorkload("/graphql", agent.token, q1.body, q1.reference), fixedRate: true, fixedRateFrom: "Q1" },
    { id: "B2-Q1", title: "lean peer: Mercurius + graphql-jit over B1's SQL and a DataLoader, same answer as Q1", server: "b2", connections: c, workload: queueWorkload("/graphql", agent.token, q1.body, q1.reference), fixedRate: true, fixedRateFrom: "Q1" },
    { id: "Q2", title: "one ticket by id: 20 latest comments, history (200 tickets round-robin)", server: "main", connections: c, workload: ticketWorkload("/graphql", agent.token, TICKET, ticketRefs), fixedRate: true },
    { id: "B1-Q2", title: "hand-written handler, same bytes as Q2", server: "b1", connections: c, workload: ticketWorkload("/graphql", agent.token, TICKET, ticketRefs), fixedRate: true, fixedRateFrom: "Q2" },
    { id: "B2-Q2", title: "lean peer: Mercurius + graphql-jit over B1's SQL, same answer as Q2", server: "b2", connections: c, workload: ticketWorkload("/graphql", agent.token, TICKET, ticketRefs), fixedRate: true, fixedRateFrom: "Q2" },
    {
      id: "Q3",
      title: `\`addComment\`: public agent replies on ${q3Ids.length} open tickets round-robin (database reset after each run)`,
      server: "main",
      connections: c,
      workload: addCommentWorkload(agent.token, agent.id, q3Ids, ADD_COMMENT, BENCH_COMMENT_PREFIX),
      fixedRate: true,
      generator: "autocannon",
      afterRun: resetQ3,
    },
    { id: "Q4", title: "`login` alone (argon2id m=19 MiB, t=2), customers round-robin", server: "main", connections: 4, workload: loginWorkload(loginAccounts), fixedRate: true, generator: "autocannon" },
    {
      id: "Q1+logins",
      title: `Q1 while ${settings.backgroundLoginsPerSecond} logins/s run beside it`,
      server: "main",
      connections: c,
      workload: queueWorkload("/graphql", agent.token, q1.body, q1.reference),
      fixedRate: true,
      // One connection per login a second: a sign-in waits its turn for the hasher, and the rate must hold anyway.
      background: { workload: loginWorkload(loginAccounts), rate: settings.backgroundLoginsPerSecond, connections: settings.backgroundLoginsPerSecond },
    },
    {
      // Q1's own 70% rate plus the sign-ins can be more than two cores can do: the comparison
      // runs Q1 alone and beside the sign-ins at one rate both can sustain.
      id: "Q1-paired",
      title: "Q1 alone at Q1+logins' fixed rate (its reference)",
      server: "main",
      connections: c,
      workload: queueWorkload("/graphql", agent.token, q1.body, q1.reference),
      fixedRate: true,
      fixedRateFrom: "Q1+logins",
      closedLoop: false,
    },
    { id: "Q5", title: `customer's own tickets with a text search (${searchCases.length} customers round-robin)`, server: "main", connections: c, workload: searchWorkload(SEARCH, searchCases), fixedRate: true },
    { id: "Q1-graphql-js", title: "Q1, graphql-js's executor instead of graphql-jit (GRAPHQL_JIT=false)", server: "graphqlJs", connections: c, workload: queueWorkload("/graphql", agent.token, q1.body, q1.reference), fixedRate: false },
    { id: "Q1-uncached", title: "Q1, caches off (verified tokens, sessions, Apollo documents)", server: "uncached", connections: c, workload: queueWorkload("/graphql", agent.token, q1.body, q1.reference), fixedRate: false },
    { id: "Q1-dev", title: "Q1, development mode (reference for the next row)", server: "guardedDev", connections: c, workload: queueWorkload("/graphql", agent.token, q1.body, q1.reference), fixedRate: false },
    { id: "Q1-unguarded", title: "Q1, development mode without the permission layer", server: "unguarded", connections: c, workload: queueWorkload("/graphql", agent.token, q1.body, q1.reference), fixedRate: false },
  ].filter((s) => !(b1Problem && s.server === "b1") && !(b2Problem && s.server === "b2")) as Scenario[];

  const sweep: Plan["sweep"] = [];
  for (const pageSize of [10, 50, 100]) {
    const q = pageSize === 50 ? q1 : await queueFor(pageSize);
    sweep.push({
      pageSize,
      scenario: { id: `Q1-${pageSize}`, title: `Q1 with ${pageSize} tickets`, server: "main", connections: c, workload: queueWorkload("/graphql", agent.token, q.body, q.reference), fixedRate: false },
    });
  }
  if (b1Problem) notes.push(`B1 was left out: its answer differed from DeskQL's ${b1Problem}`);
  return { scenarios, sweep, b1Problem, captured, notes };
}

/**
 * Copies the tickets Q3 comments on; the returned function deletes the benchmark's comments and
 * the audit events of the run, and puts the tickets' columns back.
 */
async function snapshotForComments(db: BenchDatabase, ticketIds: string[]): Promise<() => Promise<void>> {
  await db.connection.query("drop table if exists bench_q3_tickets");
  await db.connection.query("create table bench_q3_tickets as select * from tickets where id in (?)", [ticketIds]);
  const columns = (await rows(db, "select column_name as c from information_schema.columns where table_schema = database() and table_name = 'tickets' and column_name <> 'id'")).map((r) => r.c as string);
  const [[{ since }]] = (await db.connection.query("select now(3) as since")) as unknown as [[{ since: string }]];
  let from = since;
  return async () => {
    await db.connection.query(`delete from comments where body like ?`, [`${BENCH_COMMENT_PREFIX.replace(/[%_\\]/g, "\\$&")}%`]);
    await db.connection.query("delete from audit_events where created_at >= ? and (target_id in (select id from bench_q3_tickets) or action like 'COMMENT%')", [from]);
    await db.connection.query(`update tickets t join bench_q3_tickets s on s.id = t.id set ${columns.map((c) => `t.\`${c}\` = s.\`${c}\``).join(", ")}`);
    const [[{ now }]] = (await db.connection.query("select now(3) as now")) as unknown as [[{ now: string }]];
    from = now;
  };
}

async function prepareSearches(ctx: PlanContext, port: number): Promise<SearchCase[]> {
  const customers = await rows(
    ctx.db,
    "select u.email, u.id from users u join tickets t on t.requester_id = u.id where u.role = 'CUSTOMER' group by u.id, u.email order by count(*) desc, u.email limit ?",
    [Q5_CUSTOMERS],
  );
  const cases: SearchCase[] = [];
  for (const customer of customers) {
    const subjects = await rows(ctx.db, "select subject from tickets where requester_id = ? order by number", [customer.id]);
    const counts = new Map<string, number>();
    for (const s of subjects) for (const w of String(s.subject).toLowerCase().match(/\p{L}{4,}/gu) ?? []) if (!STOPWORDS.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const word = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    if (!word) continue;
    const account = await signIn(port, ctx.ca, customer.email, ctx.password);
    const { data } = await gql<{ tickets: { nodes: { id: string }[] } }>(port, ctx.ca, SEARCH, { search: word }, account.token);
    if (!data.tickets.nodes.length) continue;
    cases.push({ token: account.token, search: word, ids: data.tickets.nodes.map((n) => n.id).join(",") });
  }
  if (!cases.length) throw new Error("no customer search finds anything: is DemoDeskSeeder complete?");
  return cases;
}
