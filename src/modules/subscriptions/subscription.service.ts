import type { CommittedEvent, EventType } from "../../core/events/catalog.js";
import { BadUserInputError } from "../../core/errors.js";
import { isStaff } from "../../core/identity.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { eventAccessFor, mayLearnOf } from "../events/event.access.js";
import type { EventStream } from "./event-stream.js";
import type { SubscriptionHub } from "./subscription.hub.js";

/** A ticket the viewer may see, as a subscription needs it. */
export interface SubscribedTicket {
  id: string;
  requesterId: string;
}

/** Finds a ticket the scope's viewer may see (NOT_FOUND otherwise): the tickets service's lookup, wired in services.ts. */
export type TicketLookup = (scope: RequestScope, idOrReference: string) => Promise<SubscribedTicket>;

/** What the desk's queue shows changing: tickets opened, edited, assigned, moved, and comments on them. */
export const DESK_EVENT_TYPES: readonly EventType[] = ["ticket.created", "ticket.updated", "ticket.assigned", "ticket.transitioned", "comment.added"];

export interface DeskEventFilter {
  types?: string[] | null;
}

/**
 * The live streams behind the GraphQL subscriptions. Each one filters the committed events by
 * exactly what its viewer may learn of (event.access.ts, the feed's own decision): a customer
 * hears the public events of tickets they requested, never an internal note; staff hear their
 * desk; an API token only the areas its scopes name.
 */
export class SubscriptionService {
  constructor(
    private readonly hub: SubscriptionHub,
    private readonly findTicket: TicketLookup,
  ) {}

  /** One ticket's events, if the viewer may see the ticket (else NOT_FOUND, as for the ticket itself). */
  async ticketEvents(scope: RequestScope, ticketId: string): Promise<EventStream<CommittedEvent>> {
    const viewer = requireViewer(scope);
    const ticket = await this.findTicket(scope, ticketId);
    // The lookup decided the viewer sees this ticket (its requester, or a manager of their
    // organisation): they hear its events as its requester does.
    const access = { ...eventAccessFor(viewer), requesterId: isStaff(viewer.role) ? null : ticket.requesterId };
    return this.hub.subscribe({ kind: "ticket", ticketId: ticket.id }, (event) => mayLearnOf(access, event, ticket.requesterId));
  }

  /** The desk's queue: every ticket's creation, edits, assignment, moves and comments (staff; the rules say who). */
  deskEvents(scope: RequestScope, filter: DeskEventFilter | null | undefined): EventStream<CommittedEvent> {
    const access = eventAccessFor(requireViewer(scope));
    const types = deskTypes(filter?.types);
    return this.hub.subscribe({ kind: "desk" }, (event) => types.has(event.type) && !!event.refs.ticketId && mayLearnOf(access, event, null));
  }

  /** The events of the tickets the viewer requested, as their requester sees them (public ones). */
  myTicketEvents(scope: RequestScope): EventStream<CommittedEvent> {
    const viewer = requireViewer(scope);
    const access = { ...eventAccessFor(viewer), visibilities: ["PUBLIC" as const], requesterId: viewer.userId };
    return this.hub.subscribe({ kind: "requester", userId: viewer.userId }, (event, requesterId) => requesterId === viewer.userId && mayLearnOf(access, event, requesterId));
  }
}

function deskTypes(requested: string[] | null | undefined): ReadonlySet<string> {
  if (!requested?.length) return new Set(DESK_EVENT_TYPES);
  const unknown = requested.filter((type) => !(DESK_EVENT_TYPES as readonly string[]).includes(type));
  if (unknown.length) throw new BadUserInputError(`The desk's events are ${DESK_EVENT_TYPES.join(", ")}; not ${unknown.slice(0, 5).join(", ")}.`, "filter.types");
  return new Set(requested);
}
