import type { EntityManager } from "@mikro-orm/core";
import { ApiScope, isStaff, missingScope, type Viewer } from "../../core/identity.js";
import { READ_ONLY } from "../../core/writes.js";
import { canSeeComment } from "../comments/comment.access.js";
import { Comment } from "../comments/comment.entity.js";
import { CommentSubjectType } from "../comments/comment.enums.js";
import { Issue } from "../issues/issue.entity.js";
import { canSeeTicket, type AccessScope } from "../tickets/ticket.access.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { AttachmentParentType } from "./attachment.enums.js";

/** What an attachment's parent means for it: whose ticket total it counts against and who sees it. */
export interface ParentInfo {
  type: AttachmentParentType;
  id: string;
  /** The ticket (itself, or a comment's) whose total the attachment counts against. */
  ticketId: string | null;
  /** The issue (itself, or a comment's), for the events' refs. */
  issueId: string | null;
  /** An internal note's, or anything on an issue: staff-only. */
  internal: boolean;
}

/** A parent as read from the database, to decide who sees its attachments. */
export interface LoadedParent {
  info: ParentInfo;
  ticket: Ticket | null;
  comment: Comment | null;
  issueExists: boolean;
}

/** Reads a parent, or null when there is no such ticket, comment or issue. */
export async function loadParent(em: EntityManager, type: AttachmentParentType, id: string): Promise<LoadedParent | null> {
  if (type === AttachmentParentType.TICKET) {
    const ticket = await em.findOne(Ticket, { id }, READ_ONLY);
    return ticket ? { info: { type, id, ticketId: id, issueId: null, internal: false }, ticket, comment: null, issueExists: false } : null;
  }
  if (type === AttachmentParentType.ISSUE) {
    const exists = (await em.count(Issue, { id })) > 0;
    return exists ? { info: { type, id, ticketId: null, issueId: id, internal: true }, ticket: null, comment: null, issueExists: true } : null;
  }
  const comment = await em.findOne(Comment, { id }, READ_ONLY);
  if (!comment) return null;
  const onTicket = comment.subjectType === CommentSubjectType.TICKET;
  const ticket = onTicket ? await em.findOne(Ticket, { id: comment.subjectId }, READ_ONLY) : null;
  return {
    info: { type, id, ticketId: onTicket ? comment.subjectId : null, issueId: onTicket ? null : comment.subjectId, internal: comment.internal || !onTicket },
    ticket,
    comment,
    issueExists: !onTicket,
  };
}

/**
 * Whether `viewer` sees the attachments of `parent`, exactly as they see the parent itself:
 * a ticket's by its requester and staff; a comment's by who sees the comment (customers never
 * internal notes); an issue's by staff. An API token needs the read scope of the area.
 */
export async function canSeeParent(parent: LoadedParent, viewer: Viewer, scope: AccessScope): Promise<boolean> {
  const { info, ticket, comment } = parent;
  if (info.ticketId) {
    if (missingScope(viewer, ApiScope.TICKETS_READ) || !ticket) return false;
    return comment ? canSeeComment(comment, ticket, viewer, scope) : canSeeTicket(ticket, viewer, scope);
  }
  if (comment?.deletedAt) return false;
  return isStaff(viewer.role) && !missingScope(viewer, ApiScope.ISSUES_READ);
}

/** The parent of an attachment made by a mutation that names upload ids, from its event (the parent is not flushed yet). */
export const parentOfTicket = (ticketId: string): ParentInfo => ({ type: AttachmentParentType.TICKET, id: ticketId, ticketId, issueId: null, internal: false });
export const parentOfIssue = (issueId: string): ParentInfo => ({ type: AttachmentParentType.ISSUE, id: issueId, ticketId: null, issueId, internal: true });
export function parentOfComment(commentId: string, subjectType: CommentSubjectType, subjectId: string, internal: boolean): ParentInfo {
  const onTicket = subjectType === CommentSubjectType.TICKET;
  return { type: AttachmentParentType.COMMENT, id: commentId, ticketId: onTicket ? subjectId : null, issueId: onTicket ? null : subjectId, internal: internal || !onTicket };
}
