/**
 * Every domain event's type and payload. Empty here: each module declares its own events in its
 * `*.events.ts` by augmenting this interface, so a type names one payload shape everywhere:
 *
 *   declare module "../../core/events/catalog.js" {
 *     interface EventCatalog { "ticket.created": { number: number; subject: string } }
 *   }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventCatalog {}

export type EventType = keyof EventCatalog & string;

/**
 * Who may learn of an event (the feed, webhooks and subscriptions filter by it):
 * - PUBLIC: whoever may see its subject (a customer sees public events of their own tickets);
 * - STAFF: agents and admins (internal notes, projects and issues);
 * - ADMIN: admins (accounts, sessions, tokens, keys, security).
 */
export type EventVisibility = "PUBLIC" | "STAFF" | "ADMIN";

/** The rows an event concerns, for filtering and visibility: a comment's ticket, an issue's project. */
export interface EventRefs {
  ticketId?: string | null;
  issueId?: string | null;
  projectId?: string | null;
  userId?: string | null;
}

/** What a service raises. */
export interface NewEvent<K extends EventType = EventType> {
  type: K;
  /** Defaults to the scope's viewer; null for the system or an anonymous caller. */
  actorId?: string | null;
  target: { type: string; id: string };
  refs?: EventRefs;
  visibility: EventVisibility;
  payload: EventCatalog[K];
}

/** An event as subscribers and the durable table see it. */
export interface DomainEvent<K extends EventType = EventType> {
  /** UUIDv7, stable across every way the event leaves (feed, webhooks, subscriptions). */
  id: string;
  type: K;
  occurredAt: Date;
  actorId: string | null;
  target: { type: string; id: string };
  refs: EventRefs;
  visibility: EventVisibility;
  payload: EventCatalog[K];
  requestId: string;
}

/** A committed event with its place in the durable, ordered stream. */
export interface CommittedEvent<K extends EventType = EventType> extends DomainEvent<K> {
  position: number;
}
