import type { RowDataPacket } from "mysql2/promise";
import { isBreached, timeOpen } from "../src/modules/tickets/ticket.sla.js";
import { allowedTransitions } from "../src/modules/tickets/ticket.states.js";
import type { TicketStatus } from "../src/modules/tickets/ticket.enums.js";
import type { Role } from "../src/modules/users/user.role.js";

/**
 * The baselines' answers to Q1 and Q2 (B1 writes them directly, B2 through Mercurius): the
 * fewest and cheapest SQL statements found on either side (bench/.runs/statements.sql holds
 * each server's, priced one by one), rows read as strings and objects built in the documents'
 * field order, so B1's bytes equal what DeskQL sends. Staff viewers only, as in the benchmark.
 * Pure rules (SLA arithmetic, transitions) come from DeskQL's own modules.
 *
 * What made B1 the limit again (issue 22): the page joined its requester with an inner join,
 * which led MariaDB to read every user and sort (about 3,000 rows read against DeskQL's 400,
 * 6 ms against 3 ms alone); it now left-joins as DeskQL does, reading the priority index in
 * order. The latest comments are ranked without a final ORDER BY (each row carries its rank and
 * Node puts the three in order), which MariaDB answers without a sort of the joined rows;
 * DeskQL's own statement sorts them (and reads every column), about twice the time alone.
 */

/** DATETIME(3) as MariaDB prints it ("2026-01-02 03:04:05.678") to ISO-8601 UTC, as GraphQL's DateTimeISO does. */
/** Runs one statement and returns its rows. */
export type Sql = <T extends RowDataPacket>(sql: string, params: unknown[]) => Promise<T[]>;

const iso = (s: string | null): string | null => (s === null ? null : `${s.replace(" ", "T")}Z`);
const date = (s: string | null): Date | null => (s === null ? null : new Date(`${s.replace(" ", "T")}Z`));
const cursor = (field: string, value: unknown, id: string) => Buffer.from(JSON.stringify([field, value, id])).toString("base64url");

export interface TicketRow extends RowDataPacket {
  id: string;
  number: number;
  subject: string;
  description?: string;
  status: TicketStatus;
  priority: string;
  priority_rank: number;
  category?: string | null;
  version?: number;
  created_at: string;
  updated_at: string;
  first_response_at: string | null;
  first_response_seconds: number | null;
  first_response_late: number;
  resolved_at?: string | null;
  closed_at?: string | null;
  clock_paused_since: string | null;
  paused_seconds: number;
  first_response_due_at: string;
  resolution_due_at: string;
  r_id: string;
  r_name: string;
  r_email: string;
  a_id: string | null;
  a_name: string | null;
  /** Q1's page only: the queue's size. */
  total?: number | string;
}

const TICKET_COLUMNS =
  "t.id, t.number, t.subject, t.status, t.priority, t.priority_rank, t.created_at, t.updated_at, t.first_response_at, t.first_response_seconds, " +
  "t.first_response_late, t.clock_paused_since, t.paused_seconds, t.first_response_due_at, t.resolution_due_at, " +
  "r.id as r_id, r.display_name as r_name, r.email as r_email, a.id as a_id, a.display_name as a_name";

function sla(row: TicketRow, now: Date) {
  const clock = {
    createdAt: date(row.created_at)!,
    pausedSeconds: row.paused_seconds,
    clockPausedSince: date(row.clock_paused_since),
    firstResponseAt: date(row.first_response_at),
    firstResponseLate: row.first_response_late === 1,
    firstResponseDueAt: date(row.first_response_due_at)!,
    resolutionDueAt: date(row.resolution_due_at)!,
  } as Parameters<typeof timeOpen>[0];
  return { slaBreached: isBreached(clock, now), timeOpen: timeOpen(clock, now), timeToFirstResponse: row.first_response_seconds };
}

const PAGE_SQL =
  `select ${TICKET_COLUMNS}, (select count(*) from tickets c where c.status in ('OPEN', 'IN_PROGRESS')) as total` +
  " from tickets t left join users r on r.id = t.requester_id left join users a on a.id = t.assignee_id" +
  " where t.status in ('OPEN', 'IN_PROGRESS') order by t.priority_rank desc, t.id desc limit ?";

/** Q1's page: one statement, its count as an uncorrelated subquery (evaluated once); `first + 1` rows tell whether a next page exists. */
export async function queuePage(sql: Sql, first: number): Promise<{ rows: TicketRow[]; total: number; hasNextPage: boolean }> {
  const rows = await sql<TicketRow>(PAGE_SQL, [first + 1]);
  const total = rows.length ? Number(rows[0]!.total) : await countQueue(sql);
  return { rows: rows.slice(0, first), total, hasNextPage: rows.length > first };
}

export interface CommentNode {
  id: string;
  body: string;
  internal: boolean;
  createdAt: string | null;
  author: { id: string; displayName: string };
}

/** The latest `last` comments of each ticket, oldest first: one statement for any number of tickets (B1 inline, B2 through a DataLoader). */
export async function latestComments(sql: Sql, ticketIds: readonly string[], last: number): Promise<Map<string, CommentNode[]>> {
  const ranked = new Map<string, { rn: number; node: CommentNode }[]>(ticketIds.map((id) => [id, []]));
  if (!ticketIds.length) return new Map();
  const rows = await sql<RowDataPacket>(
    // Ranks ids only (whole rows with their bodies would make MariaDB spill the window to disk), then joins; no ORDER BY (see above).
    "select c.subject_id, c.id, c.body, c.internal, c.created_at, u.id as u_id, u.display_name as u_name, x.rn from (" +
      "select id, row_number() over (partition by subject_id order by created_at desc, id desc) as rn" +
      " from comments where subject_id in (?) and deleted_at is null) x join comments c on c.id = x.id join users u on u.id = c.author_id" +
      " where x.rn <= ?",
    [ticketIds, last],
  );
  for (const c of rows) {
    ranked.get(c.subject_id)?.push({ rn: Number(c.rn), node: { id: c.id, body: c.body, internal: c.internal === 1, createdAt: iso(c.created_at), author: { id: c.u_id, displayName: c.u_name } } });
  }
  return new Map([...ranked].map(([id, list]) => [id, list.sort((a, b) => b.rn - a.rn).map((x) => x.node)]));
}

/** A queue row as Q1 shows it, without its comments. */
export function queueNode(t: TicketRow, now: Date) {
  const s = sla(t, now);
  return {
    id: t.id,
    reference: `#${t.number}`,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    createdAt: iso(t.created_at),
    updatedAt: iso(t.updated_at),
    firstResponseDueAt: iso(t.first_response_due_at),
    resolutionDueAt: iso(t.resolution_due_at),
    slaBreached: s.slaBreached,
    timeOpen: s.timeOpen,
    timeToFirstResponse: s.timeToFirstResponse,
    requester: { id: t.r_id, displayName: t.r_name, email: t.r_email },
    assignee: t.a_id ? { id: t.a_id, displayName: t.a_name } : null,
  };
}

export const endCursor = (page: TicketRow[]) => {
  const last = page.at(-1);
  return last ? cursor("priorityRank", last.priority_rank, last.id) : null;
};

/** Q1 for B1: two statements, the page (with its count) and the latest comments with their authors. */
export async function queue(sql: Sql, first: number): Promise<string> {
  const page = await queuePage(sql, first);
  const comments = await latestComments(sql, page.rows.map((t) => t.id), 3);
  const now = new Date();
  const body = {
    data: {
      tickets: {
        totalCount: page.total,
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: endCursor(page.rows) },
        nodes: page.rows.map((t) => ({ ...queueNode(t, now), latestComments: comments.get(t.id) ?? [] })),
      },
    },
  };
  return `${JSON.stringify(body)}\n`;
}

async function countQueue(sql: Sql): Promise<number> {
  const rows = await sql<RowDataPacket>("select count(*) as n from tickets where status in ('OPEN', 'IN_PROGRESS')", []);
  return Number(rows[0]!.n);
}

/** Q2's ticket with its people (primary key, two joins). */
export async function ticketRow(sql: Sql, id: string): Promise<TicketRow | undefined> {
  const rows = await sql<TicketRow>(
    `select ${TICKET_COLUMNS}, t.description, t.category, t.version, t.resolved_at, t.closed_at` +
      " from tickets t left join users r on r.id = t.requester_id left join users a on a.id = t.assignee_id where t.id = ?",
    [id],
  );
  return rows[0];
}

/** A ticket's latest `last` comments with their authors, oldest first: an ordered LIMIT on (subject_id, created_at, id). */
export async function ticketComments(sql: Sql, id: string, last: number) {
  const rows = await sql<RowDataPacket>(
    "select c.id, c.body, c.internal, c.created_at, c.edited_at, u.id as u_id, u.display_name as u_name, u.role as u_role from comments c" +
      " join users u on u.id = c.author_id where c.subject_id = ? and c.deleted_at is null order by c.created_at desc, c.id desc limit ?",
    [id, last + 1],
  );
  const page = rows.slice(0, last).reverse();
  return {
    pageInfo: { hasPreviousPage: rows.length > last, startCursor: page[0] ? cursor("createdAt", iso(page[0].created_at), page[0].id) : null },
    nodes: page.map((c) => ({
      id: c.id,
      body: c.body,
      internal: c.internal === 1,
      createdAt: iso(c.created_at),
      editedAt: iso(c.edited_at),
      author: { id: c.u_id, displayName: c.u_name, role: c.u_role },
    })),
  };
}

/** A ticket's audit history with its actors, oldest first. */
export async function ticketHistory(sql: Sql, id: string) {
  const events = await sql<RowDataPacket>(
    "select e.id, e.action, e.details, e.created_at, u.id as u_id, u.display_name as u_name from audit_events e left join users u on u.id = e.actor_id" +
      " where e.target_type = 'Ticket' and e.target_id = ? order by e.created_at, e.id",
    [id],
  );
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  return events.map((e) => {
    // MariaDB's JSON is text; MySQL 8 hands mysql2 a parsed object.
    const details = (typeof e.details === "string" ? JSON.parse(e.details) : e.details) as Record<string, unknown> | null;
    return { id: e.id, action: e.action, from: text(details?.from), to: text(details?.to), at: iso(e.created_at), actor: e.u_id ? { id: e.u_id, displayName: e.u_name } : null };
  });
}

/** Q2's ticket fields before its comments and history, in the document's order. */
export function ticketNode(t: TicketRow, viewer: { userId: string; role: Role }, now: Date) {
  const s = sla(t, now);
  const final = t.status === "CLOSED";
  return {
    id: t.id,
    reference: `#${t.number}`,
    subject: t.subject,
    description: t.description,
    status: t.status,
    priority: t.priority,
    category: t.category,
    version: t.version,
    createdAt: iso(t.created_at),
    updatedAt: iso(t.updated_at),
    firstResponseAt: iso(t.first_response_at),
    resolvedAt: iso(t.resolved_at ?? null),
    closedAt: iso(t.closed_at ?? null),
    firstResponseDueAt: iso(t.first_response_due_at),
    resolutionDueAt: iso(t.resolution_due_at),
    slaBreached: s.slaBreached,
    timeOpen: s.timeOpen,
    timeToFirstResponse: s.timeToFirstResponse,
    viewerCanEdit: !final,
    viewerCanComment: !final,
    allowedTransitions: allowedTransitions(t.status, { role: viewer.role, isRequester: t.r_id === viewer.userId }),
    requester: { id: t.r_id, displayName: t.r_name, email: t.r_email },
    assignee: t.a_id ? { id: t.a_id, displayName: t.a_name } : null,
  };
}

/** Q2 for B1: three statements sent at once (the ticket with its people, the latest 21 comments with authors, the history with actors). */
export async function ticket(sql: Sql, id: string, viewer: { userId: string; role: Role }): Promise<string | null> {
  const [t, comments, history] = await Promise.all([ticketRow(sql, id), ticketComments(sql, id, 20), ticketHistory(sql, id)]);
  if (!t) return null;
  const body = { data: { ticket: { ...ticketNode(t, viewer, new Date()), comments, history } } };
  return `${JSON.stringify(body)}\n`;
}
