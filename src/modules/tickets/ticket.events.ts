import type { Ticket } from "./ticket.entity.js";
import type { Priority } from "../../core/priority.js";
import type { TicketStatus } from "./ticket.enums.js";

/** A field's value before and after an edit (a description's lengths rather than its text). */
export type TicketChanges = Record<string, { from: unknown; to: unknown }>;

/**
 * The tickets module's events. A ticket's events are PUBLIC with refs.ticketId: its requester
 * sees them, as they see its history. The payloads are what the audit trail shows as details.
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** A ticket was opened, by its requester or by staff on a customer's behalf (`onBehalf`). */
    "ticket.created": { number: number; subject: string; priority: Priority; category: string | null; requesterId: string; onBehalf?: true; attachmentIds?: string[] };
    /** A ticket's subject, description, category or priority changed. */
    "ticket.updated": { changes: TicketChanges };
    /** A ticket's assignee changed (`to` null: nobody). */
    "ticket.assigned": { from: string | null; to: string | null };
    /** A ticket moved to another status; `reason` when the desk did not ask for it (a customer's reply). */
    "ticket.transitioned": { from: TicketStatus; to: TicketStatus; reason?: string };
    /**
     * The desk reminded the requester (a life cycle job): CLOSE_PENDING, their resolved ticket
     * closes at `closesAt` unless they answer; AWAITING_REPLY, the desk waits for their answer.
     */
    "ticket.reminded": { kind: "CLOSE_PENDING" | "AWAITING_REPLY"; requesterId: string; closesAt?: string };
    /**
     * A running SLA target passed its at-risk share (SLA_AT_RISK_PERCENT), once per ticket and
     * target; staff only. `notifyAssignee` and `notify` say who is mailed, `actions` what the
     * escalation policy (SLA_ESCALATIONS) did besides.
     */
    "ticket.sla_at_risk": { phase: "FIRST_RESPONSE" | "RESOLUTION"; dueAt: string; notifyAssignee: boolean; notify: string[]; actions: string[] };
    /** An SLA target was missed, once per ticket and target; staff only. Fields as for ticket.sla_at_risk. */
    "ticket.sla_breached": { phase: "FIRST_RESPONSE" | "RESOLUTION"; dueAt: string; notifyAssignee: boolean; notify: string[]; actions: string[] };
  }
}

/** The target, refs and visibility of every event about `ticket`. */
export const ticketEvent = (ticket: Pick<Ticket, "id">) => ({ target: { type: "Ticket", id: ticket.id }, refs: { ticketId: ticket.id }, visibility: "PUBLIC" }) as const;
