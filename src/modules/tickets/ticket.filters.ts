import { raw, type FilterQuery } from "@mikro-orm/core";
import { isStaff, type Viewer } from "../../core/identity.js";
import { BadUserInputError, ForbiddenError } from "../../core/errors.js";
import type { SortKey } from "../../db/pagination.js";
import { managedMembersOfSql, membersOfSql } from "../organisations/organisation.access.js";
import type { Ticket } from "./ticket.entity.js";
import { LIKE_ESCAPE, likePattern, planSearch, referenceIn, SEARCH_MAX } from "./ticket.search.js";
import { TicketOrderField, type TicketFilter, type TicketOrder } from "./ticket.types.js";

const ORGANISATIONS_MAX = 50;
const TAGS_MAX = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TicketQueryScope {
  viewer: Viewer;
  now: Date;
  /** MySQL/MariaDB: search through the FULLTEXT indexes; SQLite: LIKE. */
  fulltext: boolean;
}

const ORDER_FIELDS: Record<TicketOrderField, string> = {
  [TicketOrderField.CREATED_AT]: "createdAt",
  [TicketOrderField.UPDATED_AT]: "updatedAt",
  [TicketOrderField.PRIORITY]: "priorityRank",
  [TicketOrderField.SLA_DUE]: "slaDueAt",
};

/** The keyset sort for an `orderBy`; newest first by default. */
export function ticketSort(order: TicketOrder | undefined | null): SortKey {
  return { field: ORDER_FIELDS[order?.field ?? TicketOrderField.CREATED_AT], direction: order?.direction ?? "DESC" };
}

/** Input problems a database would not catch, each named by its field (`filter.<name>`). */
export function assertTicketFilter(filter: TicketFilter | undefined | null, viewer: Viewer, prefix = "filter"): void {
  if (!filter) return;
  const a = filter.assignee;
  if (a) {
    const set = [a.userId != null, a.unassigned != null, a.me != null].filter(Boolean).length;
    if (set !== 1) throw new BadUserInputError("Set exactly one of assignee.userId, assignee.unassigned and assignee.me.", `${prefix}.assignee`);
    if (a.me === false) throw new BadUserInputError("assignee.me only accepts true.", `${prefix}.assignee.me`);
  }
  for (const name of ["requesterId", "projectId"] as const) {
    const id = filter[name];
    if (id != null && !UUID.test(id)) throw new BadUserInputError(`"${name}" is not a valid id.`, `${prefix}.${name}`);
  }
  if (a?.userId != null && !UUID.test(a.userId)) throw new BadUserInputError('"assignee.userId" is not a valid id.', `${prefix}.assignee.userId`);
  if (filter.search != null && filter.search.length > SEARCH_MAX) {
    throw new BadUserInputError(`The search text must be at most ${SEARCH_MAX} characters.`, `${prefix}.search`);
  }
  if (filter.createdAfter && filter.createdBefore && filter.createdAfter > filter.createdBefore) {
    throw new BadUserInputError("createdAfter must not be later than createdBefore.", `${prefix}.createdAfter`);
  }
  if (filter.organisationIds) {
    if (filter.organisationIds.length > ORGANISATIONS_MAX) throw new BadUserInputError(`Filter by at most ${ORGANISATIONS_MAX} organisations.`, `${prefix}.organisationIds`);
    const bad = filter.organisationIds.findIndex((id) => !UUID.test(id));
    if (bad >= 0) throw new BadUserInputError('"organisationIds" holds an invalid id.', `${prefix}.organisationIds.${bad}`);
  }
  if (filter.projectId != null && !isStaff(viewer.role)) throw new ForbiddenError("Only agents and admins can filter tickets by project.");
  if (filter.tags != null) {
    if (!isStaff(viewer.role)) throw new ForbiddenError("Only agents and admins can filter tickets by tag.");
    if (filter.tags.length > TAGS_MAX) throw new BadUserInputError(`Filter by at most ${TAGS_MAX} tags.`, `${prefix}.tags`);
  }
}

/**
 * `slaBreached` in SQL, mirroring ticket.sla.ts isBreached(): the clock's hand is `now` while it
 * runs and the start of the pause while it stands still. Written so it is never NULL, which lets
 * `false` be its plain negation.
 */
export function slaBreachedWhere(now: Date): FilterQuery<Ticket> {
  return {
    $or: [
      { firstResponseAt: null, clockPausedSince: null, firstResponseDueAt: { $lt: now } },
      { firstResponseAt: null, [raw((t) => `(${t}.clock_paused_since is not null and ${t}.first_response_due_at < ${t}.clock_paused_since)`)]: [] },
      { firstResponseLate: true },
      { clockPausedSince: null, resolutionDueAt: { $lt: now } },
      { [raw((t) => `(${t}.clock_paused_since is not null and ${t}.resolution_due_at < ${t}.clock_paused_since)`)]: [] },
    ],
  } as FilterQuery<Ticket>;
}

/** `slaDueSoon` in SQL, mirroring ticket.sla.ts slaState() = AT_RISK for a running clock; never NULL. */
function slaDueSoonWhere(now: Date): FilterQuery<Ticket> {
  return { clockPausedSince: null, firstResponseLate: false, slaAtRiskAt: { $lte: now }, slaDueAt: { $gte: now } } as FilterQuery<Ticket>;
}

/**
 * Tickets whose requester belongs to one of the organisations. For a customer, only those of the
 * organisations they manage: what ticket.access.ts canSeeTicket lets them open, in SQL.
 */
function requestedInOrganisations(organisationIds: readonly string[], viewer: Viewer): FilterQuery<Ticket> {
  if (!organisationIds.length) return { id: { $in: [] } };
  const [sql, params] = isStaff(viewer.role)
    ? [membersOfSql(organisationIds.length), [...organisationIds]]
    : [managedMembersOfSql(organisationIds.length), [viewer.userId, ...organisationIds]];
  return { [raw((t) => `${t}.requester_id in (${sql})`, params)]: [] } as FilterQuery<Ticket>;
}

/**
 * Tickets with any of the tags (tags module, ticket_tags), compared as tags/tag.names.ts
 * normalizeTag does (repeated here: the tags module imports this one).
 */
function taggedWithAny(names: readonly string[]): FilterQuery<Ticket> {
  const keys = [...new Set(names.map((n) => n.normalize("NFC").trim().replace(/\s+/gu, " ").toLowerCase()).filter(Boolean))];
  if (!keys.length) return { id: { $in: [] } };
  return {
    [raw((t) => `${t}.id in (select tt.ticket_id from ticket_tags tt join tags g on g.id = tt.tag_id where g.normalized in (${keys.map(() => "?").join(", ")}))`, keys)]: [],
  } as FilterQuery<Ticket>;
}

/** Tickets linked (links module, TicketIssueLink) to at least one issue of the project. */
function linkedToProject(projectId: string): FilterQuery<Ticket> {
  return {
    [raw((t) => `${t}.id in (select l.ticket_id from ticket_issue_links l join issues i on i.id = l.issue_id where i.project_id = ?)`, [projectId])]: [],
  } as FilterQuery<Ticket>;
}

/** A search for "#1042" finds ticket 1042; "1042" finds it and any ticket whose text holds 1042. */
function searchOrReference(text: string, scope: TicketQueryScope, oneRequester: boolean): FilterQuery<Ticket> | null {
  const reference = referenceIn(text);
  if (!reference) return searchWhere(text, scope, oneRequester);
  if (reference.only) return { number: reference.number };
  const words = searchWhere(text, scope, oneRequester);
  return words ? { $or: [{ number: reference.number }, words] } : { number: reference.number };
}

/**
 * Tickets whose subject, description or a comment the viewer may read matches. Customers never
 * match through internal notes, deleted comments never match.
 */
function searchWhere(text: string, scope: TicketQueryScope, oneRequester: boolean): FilterQuery<Ticket> | null {
  const plan = planSearch(text);
  // Only punctuation: nothing can contain "no word", and ignoring the filter listed every ticket.
  if (!plan.words.length) return { id: { $in: [] } };
  const visible = `c.deleted_at is null${isStaff(scope.viewer.role) ? "" : " and c.internal = 0"}`;
  const commentMatches = `match(c.body) against (? in boolean mode) and ${visible} and c.subject_type = 'TICKET'`;
  if (scope.fulltext && plan.fulltext && oneRequester) {
    // One requester's tickets (a customer's own, or a staff filter) are a few hundred at most:
    // walking them in page order and testing each beats materialising every match in the desk.
    // A word common to 1,500 tickets and 1,300 comments: 9 ms instead of 24.
    return {
      [raw(
        (t) =>
          `(match(${t}.subject, ${t}.description) against (? in boolean mode)` +
          ` or exists (select 1 from comments c where c.subject_id = ${t}.id and ${commentMatches}))`,
        [plan.fulltext, plan.fulltext],
      )]: [],
    } as FilterQuery<Ticket>;
  }
  if (scope.fulltext && plan.fulltext) {
    // A UNION of two index lookups: OR-ing MATCH with a subquery would scan every ticket. Wrapped in
    // a derived table so it is computed once: bare, MariaDB runs it as a dependent subquery, both
    // full-text searches again for every candidate ticket (300 ms for a common word, 30 ms wrapped).
    return {
      [raw(
        (t) =>
          `${t}.id in (select matched.id from (select ft.id from tickets ft where match(ft.subject, ft.description) against (? in boolean mode)` +
          ` union select c.subject_id from comments c where ${commentMatches}) matched)`,
        [plan.fulltext, plan.fulltext],
      )]: [],
    } as FilterQuery<Ticket>;
  }
  return {
    $and: plan.words.map((word) => {
      const pattern = likePattern(word);
      return {
        [raw(
          (t) =>
            `(${t}.subject like ? escape '${LIKE_ESCAPE}' or ${t}.description like ? escape '${LIKE_ESCAPE}'` +
            ` or ${t}.id in (select c.subject_id from comments c where c.body like ? escape '${LIKE_ESCAPE}' and ${visible} and c.subject_type = 'TICKET'))`,
          [pattern, pattern, pattern],
        )]: [],
      };
    }),
  } as FilterQuery<Ticket>;
}

/**
 * The tickets a list shows: what the filter asks, within what the viewer may see (customers:
 * their own). A function, because MikroORM consumes raw fragments when it compiles a query and
 * the page and its count each need their own copy.
 */
export function ticketWhere(filter: TicketFilter | undefined | null, scope: TicketQueryScope): () => FilterQuery<Ticket> {
  return () => {
    const where: FilterQuery<Ticket>[] = [];
    // A customer's list: their own tickets, or with organisationIds those of the organisations they manage.
    if (!isStaff(scope.viewer.role) && !filter?.organisationIds) where.push({ requester: scope.viewer.userId });
    if (!filter) return where.length ? { $and: where } : {};
    if (filter.organisationIds) where.push(requestedInOrganisations(filter.organisationIds, scope.viewer));
    if (filter.status?.length) where.push({ status: { $in: filter.status } });
    if (filter.priority?.length) where.push({ priority: { $in: filter.priority } });
    const a = filter.assignee;
    if (a?.userId) where.push({ assignee: a.userId });
    if (a?.unassigned === true) where.push({ assignee: null });
    if (a?.unassigned === false) where.push({ assignee: { $ne: null } });
    if (a?.me) where.push({ assignee: scope.viewer.userId });
    if (filter.requesterId) where.push({ requester: filter.requesterId });
    if (filter.projectId) where.push(linkedToProject(filter.projectId));
    if (filter.tags) where.push(taggedWithAny(filter.tags));
    if (filter.createdAfter) where.push({ createdAt: { $gte: filter.createdAfter } });
    if (filter.createdBefore) where.push({ createdAt: { $lt: filter.createdBefore } });
    if (filter.updatedAfter) where.push({ updatedAt: { $gte: filter.updatedAfter } });
    if (filter.slaBreached === true) where.push(slaBreachedWhere(scope.now));
    if (filter.slaBreached === false) where.push({ $not: slaBreachedWhere(scope.now) } as FilterQuery<Ticket>);
    if (filter.slaDueSoon === true) where.push(slaDueSoonWhere(scope.now));
    if (filter.slaDueSoon === false) where.push({ $not: slaDueSoonWhere(scope.now) } as FilterQuery<Ticket>);
    const oneRequester = (!isStaff(scope.viewer.role) && !filter.organisationIds) || Boolean(filter.requesterId);
    const search = filter.search?.trim() ? searchOrReference(filter.search, scope, oneRequester) : null;
    if (search) where.push(search);
    return where.length ? { $and: where } : {};
  };
}
