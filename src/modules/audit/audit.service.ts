import type { EntityManager, FilterQuery } from "@mikro-orm/core";
import type { Connection, PageRequest } from "../../core/paging.js";
import type { RequestMeta, RequestScope } from "../../core/scope.js";
import { paginate } from "../../db/pagination.js";
import { User } from "../users/user.entity.js";
import { AuditEvent } from "./audit-event.entity.js";
import type { AuditAction } from "./audit.actions.js";

export interface AuditEntry {
  action: AuditAction;
  actorId?: string | null;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  /** When it happened on the business clock (the event's time); now when unset. */
  at?: Date;
}

/**
 * Queues an audit event on `em`: it is written by the caller's flush, inside the same
 * transaction as the change it records, so there is never a change without its event.
 * Only the audit trail's event subscriber (audited-events.ts) calls it: modules raise events.
 */
export function recordAudit(em: EntityManager, request: RequestMeta | null, entry: AuditEntry): AuditEvent {
  const event = new AuditEvent();
  event.action = entry.action;
  event.actor = entry.actorId ? em.getReference(User, entry.actorId, { wrapped: true }) : null;
  event.targetType = entry.targetType ?? null;
  event.targetId = entry.targetId ?? null;
  event.details = entry.details ?? null;
  if (entry.at) event.createdAt = entry.at;
  event.ip = request?.ip ?? null;
  event.userAgent = request?.userAgent?.slice(0, 512) ?? null;
  em.persist(event);
  return event;
}

export interface AuditTrailFilter {
  actions?: AuditAction[] | null;
  actorId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  since?: Date | null;
  until?: Date | null;
}

/** The audit trail, newest first. */
export function listAuditEvents(scope: RequestScope, filter: AuditTrailFilter | undefined, page: PageRequest): Promise<Connection<AuditEvent>> {
  const where: FilterQuery<AuditEvent>[] = [];
  if (filter?.actions?.length) where.push({ action: { $in: filter.actions } });
  if (filter?.actorId) where.push({ actor: filter.actorId });
  if (filter?.targetType) where.push({ targetType: filter.targetType });
  if (filter?.targetId) where.push({ targetId: filter.targetId });
  if (filter?.since) where.push({ createdAt: { $gte: filter.since } });
  if (filter?.until) where.push({ createdAt: { $lt: filter.until } });
  return paginate(scope.em, AuditEvent, where.length ? { $and: where } : {}, { field: "createdAt", direction: "DESC" }, page);
}
