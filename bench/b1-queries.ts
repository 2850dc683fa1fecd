import type { RowDataPacket } from "mysql2/promise";
import { isBreached, timeOpen } from "../src/modules/tickets/ticket.sla.js";
import { allowedTransitions } from "../src/modules/tickets/ticket.states.js";
import type { TicketStatus } from "../src/modules/tickets/ticket.enums.js";
import type { Role } from "../src/modules/users/user.role.js";

/**
 * B1's answers to Q1 and Q2: the fewest SQL statements that can produce them (joins instead of
 * loaders, one window query for the latest comments), rows read as strings and JSON written in
 * the documents' field order, so the bytes equal what DeskQL sends. Staff viewers only, as in
 * the benchmark. Pure rules (SLA arithmetic, transitions) come from DeskQL's own modules.
 */

/** DATETIME(3) as MariaDB prints it ("2026-01-02 03:04:05.678") to ISO-8601 UTC, as GraphQL's DateTimeISO does. */
/** Runs one statement and returns its rows. */
export type Sql = <T extends RowDataPacket>(sql: string, params: unknown[]) => Promise<T[]>;

const iso = (s: string | null): string | null => (s === null ? null : `${s.replace(" ", "T")}Z`);
const date = (s: string | null): Date | null => (s === null ? null : new Date(`${s.replace(" ", "T")}Z`));
const cursor = (field: string, value: unknown, id: string) => Buffer.from(JSON.stringify([field, value, id])).toString("base64url");

interface TicketRow extends RowDataPacket {
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

/** Q1: two statements, the page (with its count as a subquery) and the latest comments with their authors. */
export async function queue(sql: Sql, first: number): Promise<string> {
  const tickets = await sql<TicketRow>(
    `select ${TICKET_COLUMNS}, (select count(*) from tickets c where c.status in ('OPEN', 'IN_PROGRESS')) as total` +
      " from tickets t join users r on r.id = t.requester_id left join users a on a.id = t.assignee_id" +
      " where t.status in ('OPEN', 'IN_PROGRESS') order by t.priority_rank desc, t.id desc limit ?",
    [first + 1],
  );
  const page = tickets.slice(0, first);
  const comments = new Map<string, object[]>(page.map((t) => [t.id, []]));
  if (page.length) {
    const rows = await sql<RowDataPacket>(
      // Ranks ids only (whole rows with their bodies would make MariaDB spill the window to disk), then joins.
      "select c.subject_id, c.id, c.body, c.internal, c.created_at, u.id as u_id, u.display_name as u_name from (" +
        "select id, row_number() over (partition by subject_id order by created_at desc, id desc) as rn" +
        " from comments where subject_id in (?) and deleted_at is null) x join comments c on c.id = x.id join users u on u.id = c.author_id" +
        " where x.rn <= 3 order by c.subject_id, x.rn desc",
      [page.map((t) => t.id)],
    );
    for (const c of rows) {
      comments.get(c.subject_id)!.push({ id: c.id, body: c.body, internal: c.internal === 1, createdAt: iso(c.created_at), author: { id: c.u_id, displayName: c.u_name } });
    }
  }
  const now = new Date();
  const last = page.at(-1);
  const body = {
    data: {
      tickets: {
        totalCount: Number(tickets[0]?.total ?? (await countQueue(sql))),
        pageInfo: { hasNextPage: tickets.length > first, endCursor: last ? cursor("priorityRank", last.priority_rank, last.id) : null },
        nodes: page.map((t) => {
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
            latestComments: comments.get(t.id),
          };
        }),
      },
    },
  };
  return `${JSON.stringify(body)}\n`;
}

async function countQueue(sql: Sql): Promise<number> {
  const rows = await sql<RowDataPacket>("select count(*) as n from tickets where status in ('OPEN', 'IN_PROGRESS')", []);
  return Number(rows[0]!.n);
}

/** Q2: three statements sent at once (the ticket with its people, the latest 21 comments with authors, the history with actors). */
export async function ticket(sql: Sql, id: string, viewer: { userId: string; role: Role }): Promise<string | null> {
  const [tickets, comments, events] = await Promise.all([
    sql<TicketRow>(
      `select ${TICKET_COLUMNS}, t.description, t.category, t.version, t.resolved_at, t.closed_at` +
        " from tickets t join users r on r.id = t.requester_id left join users a on a.id = t.assignee_id where t.id = ?",
      [id],
    ),
    sql<RowDataPacket>(
      "select c.id, c.body, c.internal, c.created_at, c.edited_at, u.id as u_id, u.display_name as u_name, u.role as u_role from comments c" +
        " join users u on u.id = c.author_id where c.subject_id = ? and c.deleted_at is null order by c.created_at desc, c.id desc limit 21",
      [id],
    ),
    sql<RowDataPacket>(
      "select e.id, e.action, e.details, e.created_at, u.id as u_id, u.display_name as u_name from audit_events e left join users u on u.id = e.actor_id" +
        " where e.target_type = 'Ticket' and e.target_id = ? order by e.created_at, e.id",
      [id],
    ),
  ]);
  const t = tickets[0];
  if (!t) return null;
  const s = sla(t, new Date());
  const page = comments.slice(0, 20).reverse();
  const final = t.status === "CLOSED";
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  const body = {
    data: {
      ticket: {
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
        comments: {
          pageInfo: { hasPreviousPage: comments.length > 20, startCursor: page[0] ? cursor("createdAt", iso(page[0].created_at), page[0].id) : null },
          nodes: page.map((c) => ({
            id: c.id,
            body: c.body,
            internal: c.internal === 1,
            createdAt: iso(c.created_at),
            editedAt: iso(c.edited_at),
            author: { id: c.u_id, displayName: c.u_name, role: c.u_role },
          })),
        },
        history: events.map((e) => {
          // MariaDB's JSON is text; MySQL 8 hands mysql2 a parsed object.
          const details = (typeof e.details === "string" ? JSON.parse(e.details) : e.details) as Record<string, unknown> | null;
          return {
            id: e.id,
            action: e.action,
            from: text(details?.from),
            to: text(details?.to),
            at: iso(e.created_at),
            actor: e.u_id ? { id: e.u_id, displayName: e.u_name } : null,
          };
        }),
      },
    },
  };
  return `${JSON.stringify(body)}\n`;
}
