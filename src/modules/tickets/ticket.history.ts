import DataLoader from "dataloader";
import type { EntityManager } from "@mikro-orm/core";
import { rowReader } from "../../db/read-rows.js";
import type { LoaderFactory, Loaders } from "../../core/loaders.js";
import { AuditEvent } from "../audit/audit-event.entity.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { AuditAction } from "../audit/audit.actions.js";
import type { TicketHistoryEntry } from "./ticket.types.js";
import { selectRows } from "../../db/select-rows.js";

/**
 * A ticket's timeline is its slice of the audit trail (events targeting the ticket: creation,
 * edits, assignments, status changes, issue links), so it can never disagree with the trail.
 * Customers see the changes to the ticket itself, not the desk's links to internal issues.
 */
const CUSTOMER_ACTIONS: readonly AuditAction[] = [
  AuditAction.TICKET_CREATED,
  AuditAction.TICKET_UPDATED,
  AuditAction.TICKET_ASSIGNED,
  AuditAction.TICKET_TRANSITIONED,
  AuditAction.TICKET_MERGED,
];

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

/**
 * MariaDB stores JSON as LONGTEXT and returns it as a string, which MikroORM's MySQL platform
 * (expecting MySQL's native JSON) leaves unparsed; accept both.
 */
function detailsOf(event: AuditEvent): Record<string, unknown> | null {
  const details: unknown = event.details;
  if (typeof details !== "string") return (details as Record<string, unknown> | null) ?? null;
  try {
    return JSON.parse(details) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export function toHistoryEntry(event: AuditEvent): TicketHistoryEntry {
  const details = detailsOf(event);
  return {
    id: event.id,
    action: event.action,
    actorId: event.actor?.id ?? null,
    from: text(details?.from),
    to: text(details?.to),
    details,
    at: event.createdAt,
  };
}

const factory =
  (staff: boolean): LoaderFactory<DataLoader<string, TicketHistoryEntry[]>> =>
  (em: EntityManager, loaders: Loaders) =>
    new DataLoader(async (ticketIds) => {
      // Read-only snapshots by hand-written SQL (read-rows.ts): building the query and hydrating
      // the events through MikroORM cost a ticket page more than the lookup itself. The actors come
      // in the same statement and prime the users loader: showing them costs no further query.
      const reader = rowReader(em, AuditEvent, "e");
      const actors = rowReader(em, User, "u");
      const actions = staff ? [] : [...CUSTOMER_ACTIONS];
      const sql =
        `select ${reader.columns}, ${actors.columns} from \`audit_events\` e left join \`users\` u on u.\`id\` = e.\`actor_id\` where e.\`target_type\` = 'Ticket' and e.\`target_id\` in (${ticketIds.map(() => "?").join(", ")})` +
        (actions.length ? ` and e.\`action\` in (${actions.map(() => "?").join(", ")})` : "") +
        " order by e.`created_at`, e.`id`";
      const rows = await selectRows(em, sql, [...ticketIds, ...actions]);
      const users = loaders.get(usersById);
      const events = rows.map((row) => {
        const event = reader.read(row);
        if (event.actor) users.prime(event.actor.id, actors.read(row));
        return event;
      });
      const byTicket = new Map<string, TicketHistoryEntry[]>(ticketIds.map((id) => [id, []]));
      for (const event of events) byTicket.get(event.targetId!)?.push(toHistoryEntry(event));
      return ticketIds.map((id) => byTicket.get(id) ?? []);
    });

const staffHistory = factory(true);
const customerHistory = factory(false);

/** Each ticket's timeline, oldest first, one query per batch; `staff` includes issue links. */
export const ticketHistory = (staff: boolean) => (staff ? staffHistory : customerHistory);
