import type { EntityManager } from "@mikro-orm/core";
import type { RequestMeta } from "../../graphql/context.js";
import { User } from "../users/user.entity.js";
import { AuditEvent } from "./audit-event.entity.js";
import type { AuditAction } from "./audit.actions.js";

export interface AuditEntry {
  action: AuditAction;
  actorId?: string | null;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

/**
 * Queues an audit event on `em`: it is written by the caller's flush, inside the same
 * transaction as the change it records, so there is never a change without its event.
 */
export function recordAudit(em: EntityManager, request: RequestMeta | null, entry: AuditEntry): AuditEvent {
  const event = new AuditEvent();
  event.action = entry.action;
  event.actor = entry.actorId ? em.getReference(User, entry.actorId, { wrapped: true }) : null;
  event.targetType = entry.targetType ?? null;
  event.targetId = entry.targetId ?? null;
  event.details = entry.details ?? null;
  event.ip = request?.ip ?? null;
  event.userAgent = request?.userAgent?.slice(0, 512) ?? null;
  em.persist(event);
  return event;
}
