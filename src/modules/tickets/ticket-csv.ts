import type { User } from "../users/user.entity.js";
import type { Ticket } from "./ticket.entity.js";
import { isBreached, timeOpen, timeToFirstResponse } from "./ticket.sla.js";
import type { BusinessHours } from "./business-hours.js";

/** The export's columns, in order: header name and how to read the cell from a ticket. */
export const CSV_COLUMNS = [
  "reference",
  "subject",
  "status",
  "priority",
  "category",
  "requester",
  "requester_email",
  "assignee",
  "created_at",
  "updated_at",
  "first_response_at",
  "resolved_at",
  "closed_at",
  "time_to_first_response_seconds",
  "time_open_seconds",
  "sla_breached",
] as const;

export type CsvRecord = Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null>;

// A cell a spreadsheet would evaluate: =, +, - and @ start formulas; tab and CR can hide one
// (OWASP "CSV injection"). A leading apostrophe makes the spreadsheet show it as text.
const FORMULA_START = /^[=+\-@\t\r]/;

/** Neutralises a text cell a spreadsheet would otherwise run as a formula. */
export const neutraliseFormula = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;
const text = (value: string | null | undefined): string | null => (value == null ? null : neutraliseFormula(value));

/**
 * One ticket as a CSV record. Only the requester's email is included (customers export their own
 * tickets, so that is their own address); agents appear by name only.
 */
export function ticketRecord(ticket: Ticket, users: Map<string, User>, now: Date, hours: BusinessHours | null = null): CsvRecord {
  const requester = users.get(ticket.requester.id);
  const assignee = ticket.assignee ? users.get(ticket.assignee.id) : undefined;
  return {
    reference: `#${ticket.number}`,
    subject: text(ticket.subject),
    status: ticket.status,
    priority: ticket.priority,
    category: text(ticket.category),
    requester: text(requester?.displayName),
    requester_email: text(requester?.email),
    assignee: text(assignee?.displayName),
    created_at: iso(ticket.createdAt),
    updated_at: iso(ticket.updatedAt),
    first_response_at: iso(ticket.firstResponseAt),
    resolved_at: iso(ticket.resolvedAt),
    closed_at: iso(ticket.closedAt),
    time_to_first_response_seconds: timeToFirstResponse(ticket),
    time_open_seconds: timeOpen(ticket, now, hours),
    sla_breached: isBreached(ticket, now),
  };
}
