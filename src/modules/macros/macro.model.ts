import type { Priority } from "../../core/priority.js";
import { TicketStatus } from "../tickets/ticket.enums.js";

/** Whom a macro assigns the ticket to. */
export enum MacroAssign {
  /** Whoever applies the macro. */
  ME = "ME",
  /** Nobody: the ticket is unassigned. */
  NOBODY = "NOBODY",
  /** The agent or admin named by `assigneeId`. */
  USER = "USER",
}

/** What a macro does to a ticket, as stored (JSON). Absent parts change nothing. */
export interface MacroActionSet {
  replyBody?: string | null;
  replyCannedResponseId?: string | null;
  replyInternal?: boolean | null;
  status?: TicketStatus | null;
  priority?: Priority | null;
  assign?: MacroAssign | null;
  assigneeId?: string | null;
  addTags?: string[] | null;
  removeTags?: string[] | null;
}

/** One change a macro makes, in the order applied. */
export enum MacroChangeKind {
  REPLY = "REPLY",
  NOTE = "NOTE",
  STATUS = "STATUS",
  PRIORITY = "PRIORITY",
  ASSIGNEE = "ASSIGNEE",
  TAGS = "TAGS",
}

/**
 * A status that takes the ticket back into work (a reopen) goes first, so the edits after it
 * land on a ticket that takes them; resolving or closing goes last, after the edits.
 */
export const STATUS_FIRST: readonly TicketStatus[] = [TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.WAITING_ON_CUSTOMER];

export const hasReply = (a: MacroActionSet) => a.replyBody != null || a.replyCannedResponseId != null;
