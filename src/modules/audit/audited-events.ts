import type { DomainEvents } from "../../core/events/domain-events.js";
import type { EventType } from "../../core/events/catalog.js";
import { type AuditAction } from "./audit.actions.js";
import { recordAudit } from "./audit.service.js";

/**
 * The events the audit trail records, and as which action. The trail is a subscriber: an audit
 * row is written in the transaction of the change it records (so there is never one without
 * the other), with the event's actor, target and payload as its details.
 */
export const AUDITED_EVENTS: Partial<Record<EventType, AuditAction>> = {};

export function subscribeAuditTrail(events: DomainEvents): void {
  events.subscribe("*", (scope, event) => {
    const action = AUDITED_EVENTS[event.type];
    if (!action) return;
    recordAudit(scope.em, scope.request, {
      action,
      actorId: event.actorId,
      targetType: event.target.type,
      targetId: event.target.id,
      details: event.payload as Record<string, unknown>,
    });
  });
}
