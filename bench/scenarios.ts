import { firstFailure, graphqlData, isUuid } from "./checks.js";
import type { Planned, Workload } from "./load.js";

/** A signed-in demo user. */
export interface Account {
  id: string;
  email: string;
  password: string;
  role: string;
  token: string;
}

export type ServerName = "main" | "uncached" | "unguarded" | "guardedDev" | "graphqlJs" | "b1" | "b2";

export interface Scenario {
  id: string;
  title: string;
  server: ServerName;
  connections: number;
  workload: Workload<any>;
  /** Also measured at a fixed rate of settings.fixedRateFraction of its maximum. */
  fixedRate: boolean;
  /** Take the maximum from this scenario instead (Q1-paired runs at Q1+logins' fixed rate). */
  fixedRateFrom?: string;
  /** false: only the fixed-rate runs (a reference at another scenario's rate), no maximum-throughput rounds. */
  closedLoop?: boolean;
  /** Runs beside the measured workload at this many requests per second (not measured itself). */
  background?: { workload: Workload<any>; rate: number; connections: number };
  /** "autocannon": closed-loop runs keep autocannon's full check of every response (writes and sign-ins), even when wrk is installed. */
  generator?: "autocannon";
  /** Puts the database back after a writing run, so every run starts from the same state. */
  afterRun?: () => Promise<void>;
}

export const JSON_HEADERS = { "content-type": "application/json" };

export const bearer = (token: string) => ({ ...JSON_HEADERS, authorization: `Bearer ${token}` });

/** Round-robin over a list, shared by every connection of a run. */
export function rotate<T>(items: readonly T[]): () => T {
  if (!items.length) throw new Error("nothing to rotate over");
  let i = 0;
  return () => items[i++ % items.length]!;
}

export const LOGIN = "mutation BenchLogin($i: LoginInput!) { login(input: $i) { accessToken expiresIn user { id role } } }";

/** Q4: sign-ins round-robin over demo accounts; every response must carry a token for the right user. */
export function loginWorkload(accounts: readonly Account[]): Workload<Account> {
  const next = rotate(accounts);
  return {
    path: "/graphql",
    headers: JSON_HEADERS,
    request: (): Planned<Account> => {
      const account = next();
      return { body: JSON.stringify({ query: LOGIN, variables: { i: { email: account.email, password: account.password } } }), expect: account };
    },
    check(status, body, account) {
      const r = graphqlData(status, body);
      if ("reason" in r) return r.reason;
      const login = r.data.login;
      return firstFailure([
        [typeof login?.accessToken === "string" && login.accessToken.split(".").length === 3, "no access token"],
        [login?.expiresIn > 0, "bad expiresIn"],
        [login?.user?.id === account.id && isUuid(login.user.id), "token for the wrong user"],
        [login?.user?.role === account.role, "wrong role"],
      ]);
    },
  };
}

/**
 * B0: the same server answering a precomputed body at /bench/floor, sent the same request as
 * the query it stands in for, judged by the same check.
 */
export function floorWorkload(of: Workload<any>): Workload<any> {
  return { ...of, path: "/bench/floor" };
}

/** A fixed request whose response must be exactly `expected`. */
export function exactWorkload(path: string, headers: Record<string, string>, body: string, expected: string): Workload<string> {
  return {
    path,
    headers,
    request: { body, expect: expected },
    check: (status, text, want) => (status !== 200 ? `HTTP ${status}` : text === want ? null : "body differs"),
  };
}

const QUEUE_STATUSES = new Set(["OPEN", "IN_PROGRESS"]);

/** What identifies a Q1 page's content: every ticket, requester, assignee, comment and author id, in order. */
export function queueSignature(tickets: any): string {
  return (tickets.nodes as any[])
    .map((n) => `${n.id}:${n.requester.id}:${n.assignee?.id ?? ""}:${(n.latestComments as any[]).map((c) => `${c.id}/${c.author.id}`).join(",")}`)
    .join("|");
}

/** Q1 (and B0, B1-Q1): the queue page must hold exactly the reference tickets, people and comments. */
export function queueWorkload(path: string, token: string, body: string, reference: { totalCount: number; signature: string; size: number }): Workload<null> {
  return {
    path,
    headers: bearer(token),
    request: { body, expect: null },
    check(status, text) {
      const r = graphqlData(status, text);
      if ("reason" in r) return r.reason;
      const t = r.data.tickets;
      if (!t || !Array.isArray(t.nodes)) return "no tickets";
      return firstFailure([
        [t.nodes.length === reference.size, "wrong page size"],
        [t.totalCount === reference.totalCount, "wrong totalCount"],
        [t.nodes.every((n: any) => QUEUE_STATUSES.has(n.status) && typeof n.slaBreached === "boolean" && Number.isInteger(n.timeOpen)), "bad status or SLA fields"],
        [queueSignature(t) === reference.signature, "different tickets, people or comments than the reference"],
      ]);
    },
  };
}

/** What identifies a Q2 answer: the ticket, its people, its comments (with authors) and its history. */
export function ticketSignature(ticket: any): string {
  const comments = (ticket.comments.nodes as any[]).map((c) => `${c.id}/${c.author.id}`).join(",");
  const history = (ticket.history as any[]).map((h) => `${h.id}/${h.action}/${h.actor?.id ?? ""}`).join(",");
  return `${ticket.id}:${ticket.requester.id}:${ticket.assignee?.id ?? ""}:${ticket.status}:${comments}:${history}`;
}

/** Q2 (and B1-Q2): tickets by id, round-robin; each answer must match that ticket's reference. */
export function ticketWorkload(path: string, token: string, document: string, references: Map<string, string>): Workload<string> {
  const next = rotate([...references.keys()]);
  return {
    path,
    headers: bearer(token),
    request: () => {
      const id = next();
      return { body: JSON.stringify({ query: document, variables: { id } }), expect: id };
    },
    check(status, text, id) {
      const r = graphqlData(status, text);
      if ("reason" in r) return r.reason;
      const t = r.data.ticket;
      if (!t) return "no ticket";
      return firstFailure([
        [t.id === id, "another ticket than asked"],
        [Array.isArray(t.comments?.nodes) && t.comments.nodes.length <= 20, "bad comments"],
        [typeof t.slaBreached === "boolean" && Number.isInteger(t.timeOpen), "bad SLA fields"],
        [ticketSignature(t) === references.get(id), "different people, comments or history than the reference"],
      ]);
    },
  };
}

/** Q3: an agent's public comment on tickets round-robin; the answer must echo it with its author. */
export function addCommentWorkload(token: string, agentId: string, ticketIds: readonly string[], document: string, prefix: string): Workload<string> {
  const next = rotate(ticketIds);
  let n = 0;
  return {
    path: "/graphql",
    headers: bearer(token),
    request: () => {
      const body = `${prefix}reply ${++n}: we are looking into it and will update this ticket shortly.`;
      return { body: JSON.stringify({ query: document, variables: { input: { subjectId: next(), body } } }), expect: body };
    },
    check(status, text, body) {
      const r = graphqlData(status, text);
      if ("reason" in r) return r.reason;
      const c = r.data.addComment;
      return firstFailure([
        [isUuid(c?.id), "no comment id"],
        [c?.body === body, "another body than sent"],
        [c?.internal === false, "not public"],
        [c?.author?.id === agentId, "wrong author"],
      ]);
    },
  };
}

/** One Q5 request: a customer, a word, and the ticket ids the search must return. */
export interface SearchCase {
  token: string;
  search: string;
  ids: string;
}

/** Q5: customers searching their own tickets, round-robin over prepared cases. */
export function searchWorkload(document: string, cases: readonly SearchCase[]): Workload<SearchCase> {
  const next = rotate(cases);
  return {
    path: "/graphql",
    headers: JSON_HEADERS,
    request: () => {
      const c = next();
      return { body: JSON.stringify({ query: document, variables: { search: c.search } }), expect: c, headers: bearer(c.token) };
    },
    check(status, text, c) {
      const r = graphqlData(status, text);
      if ("reason" in r) return r.reason;
      const nodes = r.data.tickets?.nodes;
      if (!Array.isArray(nodes)) return "no tickets";
      return nodes.map((n: any) => n.id).join(",") === c.ids ? null : "different tickets than the reference";
    },
  };
}
