import type { EventRefs, EventVisibility } from "../../core/events/catalog.js";
import { ApiScope, isStaff, Role, scopeAllows, type Viewer } from "../../core/identity.js";

/**
 * Which durable events a viewer may learn of: exactly what they may see of the objects
 * themselves. Customers: PUBLIC events of tickets they requested. Agents: PUBLIC and STAFF.
 * Admins: everything. An API token narrows it by the areas an event touches (its refs): a
 * ticket needs tickets:read, an issue or project issues:read, an ADMIN event the admin scope.
 */
export interface EventAccess {
  visibilities: EventVisibility[];
  /** Set for customers: only events whose ticket this user requested. */
  requesterId: string | null;
  /** False when a token lacks tickets:read: only events without a ticket. */
  tickets: boolean;
  /** False when a token lacks issues:read: only events without an issue or a project. */
  issues: boolean;
  /** An API token sees only events that touch an area its scopes name (or ADMIN events with the admin scope). */
  needsArea: boolean;
}

export function eventAccessFor(viewer: Viewer): EventAccess {
  const scopes = viewer.scopes ?? null;
  const allows = (scope: ApiScope) => !scopes || scopeAllows(scopes, scope);
  const visibilities: EventVisibility[] = ["PUBLIC"];
  if (isStaff(viewer.role)) visibilities.push("STAFF");
  if (viewer.role === Role.ADMIN && allows(ApiScope.ADMIN)) visibilities.push("ADMIN");
  return {
    visibilities,
    requesterId: isStaff(viewer.role) ? null : viewer.userId,
    tickets: allows(ApiScope.TICKETS_READ),
    issues: allows(ApiScope.ISSUES_READ),
    needsArea: scopes !== null,
  };
}

/**
 * The same decision for one event in hand (webhooks and subscriptions filter events they already
 * hold); `ticketRequesterId` is the requester of `refs.ticketId`, when there is one.
 */
export function mayLearnOf(access: EventAccess, event: { visibility: EventVisibility; refs: EventRefs }, ticketRequesterId: string | null): boolean {
  const { refs } = event;
  if (!access.visibilities.includes(event.visibility)) return false;
  if (access.requesterId && (!refs.ticketId || ticketRequesterId !== access.requesterId)) return false;
  if (!access.tickets && refs.ticketId) return false;
  if (!access.issues && (refs.issueId || refs.projectId)) return false;
  if (access.needsArea && event.visibility !== "ADMIN" && !refs.ticketId && !refs.issueId && !refs.projectId) return false;
  return true;
}
