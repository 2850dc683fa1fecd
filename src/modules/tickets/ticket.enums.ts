import { registerEnumType } from "type-graphql";

/** Where a ticket is in its life; the allowed moves between them live in ticket.states.ts. */
export enum TicketStatus {
  OPEN = "OPEN",
  IN_PROGRESS = "IN_PROGRESS",
  WAITING_ON_CUSTOMER = "WAITING_ON_CUSTOMER",
  RESOLVED = "RESOLVED",
  CLOSED = "CLOSED",
}

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
