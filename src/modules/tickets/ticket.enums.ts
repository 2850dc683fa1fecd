import { registerEnumType } from "type-graphql";

/** Where a ticket is in its life; the allowed moves between them live in ticket.states.ts. */
export enum TicketStatus {
  OPEN = "OPEN",
  IN_PROGRESS = "IN_PROGRESS",
  WAITING_ON_CUSTOMER = "WAITING_ON_CUSTOMER",
  RESOLVED = "RESOLVED",
  CLOSED = "CLOSED",
}

export enum TicketPriority {
  LOW = "LOW",
  NORMAL = "NORMAL",
  HIGH = "HIGH",
  URGENT = "URGENT",
}

/** Stored beside the priority: ordering by the enum's text would put HIGH before LOW before NORMAL. */
export const PRIORITY_RANK: Record<TicketPriority, number> = {
  [TicketPriority.LOW]: 1,
  [TicketPriority.NORMAL]: 2,
  [TicketPriority.HIGH]: 3,
  [TicketPriority.URGENT]: 4,
};

registerEnumType(TicketStatus, {
  name: "TicketStatus",
  description: "Where a ticket is in its life.",
  valuesConfig: {
    OPEN: { description: "New or reopened; waiting for an agent to pick it up." },
    IN_PROGRESS: { description: "An agent is working on it." },
    WAITING_ON_CUSTOMER: { description: "The desk waits for the customer; the SLA clock is paused." },
    RESOLVED: { description: "An agent considers it solved; the customer may reopen or close it." },
    CLOSED: { description: "Finished for good; no further transitions." },
  },
});

registerEnumType(TicketPriority, {
  name: "TicketPriority",
  description: "How urgent a ticket is; sets its SLA targets.",
  valuesConfig: {
    LOW: { description: "Can wait; the longest SLA targets." },
    NORMAL: { description: "The default." },
    HIGH: { description: "Hurts someone's work; shorter targets." },
    URGENT: { description: "Something important is down; the shortest targets." },
  },
});
