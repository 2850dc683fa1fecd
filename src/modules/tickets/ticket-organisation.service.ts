import { raw, type FilterQuery, type QBFilterQuery } from "@mikro-orm/core";
import type { EntityManager as SqlEntityManager } from "@mikro-orm/knex";
import { BadUserInputError } from "../../core/errors.js";
import type { RequestScope } from "../../core/scope.js";
import { Organisation, OrganisationMember } from "../organisations/organisation.entity.js";
import { Ticket } from "./ticket.entity.js";
import { TicketStatus } from "./ticket.enums.js";
import { slaBreachedWhere } from "./ticket.filters.js";

export const ORGANISATION_STATS_MAX = 500;

/** One organisation's tickets: those whose requester is one of its members. */
export interface OrganisationTicketCounts {
  organisationId: string;
  /** Not yet resolved (open, in progress, waiting on the customer). */
  open: number;
  /** Resolved or closed. */
  resolved: number;
  /** That missed an SLA target, whatever their status (the queue's slaBreached filter). */
  breached: number;
  total: number;
}

const OPEN = [TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.WAITING_ON_CUSTOMER];

/**
 * Ticket counts by organisation, counted in SQL per requester (three grouped queries however
 * many organisations and tickets) and added up per organisation in memory. A ticket counts in
 * every organisation its requester belongs to.
 */
export class OrganisationStatsService {
  /** The report: the given organisations, or every one (up to 500) by name. */
  async report(scope: RequestScope, organisationIds: readonly string[] | null | undefined): Promise<OrganisationTicketCounts[]> {
    if (organisationIds && organisationIds.length > ORGANISATION_STATS_MAX) {
      throw new BadUserInputError(`Ask for at most ${ORGANISATION_STATS_MAX} organisations.`, "organisationIds");
    }
    const where: FilterQuery<Organisation> = organisationIds ? { id: { $in: [...organisationIds] } } : {};
    const organisations = await scope.em.find(Organisation, where, { orderBy: { name: "ASC", id: "ASC" }, limit: ORGANISATION_STATS_MAX, fields: ["id"] });
    return this.counts(scope, organisations.map((o) => o.id));
  }

  /** Counts for each organisation id, in the same order. */
  async counts(scope: RequestScope, organisationIds: readonly string[]): Promise<OrganisationTicketCounts[]> {
    const empty = (organisationId: string): OrganisationTicketCounts => ({ organisationId, open: 0, resolved: 0, breached: 0, total: 0 });
    if (!organisationIds.length) return [];
    const members = await scope.em.find(OrganisationMember, { organisation: { $in: [...organisationIds] } }, { fields: ["user", "organisation"] });
    const requesters = [...new Set(members.map((m) => m.user.id))];
    const byRequester = new Map<string, { open: number; resolved: number; breached: number }>();
    if (requesters.length) {
      const em = scope.em as SqlEntityManager;
      const perRequester = async (extra: FilterQuery<Ticket>) => {
        const rows = await em
          .createQueryBuilder(Ticket, "t")
          .select([raw("t.requester_id as requester"), raw("count(*) as n")])
          .where({ $and: [{ requester: { $in: requesters } }, extra] } as QBFilterQuery<Ticket>)
          .groupBy(raw("t.requester_id"))
          .execute<{ requester: string; n: number | string }[]>("all", false);
        return new Map(rows.map((r) => [r.requester, Number(r.n)]));
      };
      const [open, resolved, breached] = await Promise.all([
        perRequester({ status: { $in: OPEN } }),
        perRequester({ status: { $nin: OPEN } }),
        perRequester(slaBreachedWhere(scope.clock.now())),
      ]);
      for (const id of requesters) byRequester.set(id, { open: open.get(id) ?? 0, resolved: resolved.get(id) ?? 0, breached: breached.get(id) ?? 0 });
    }
    const totals = new Map(organisationIds.map((id) => [id, empty(id)]));
    for (const member of members) {
      const counts = byRequester.get(member.user.id);
      const total = totals.get(member.organisation.id);
      if (!counts || !total) continue;
      total.open += counts.open;
      total.resolved += counts.resolved;
      total.breached += counts.breached;
      total.total += counts.open + counts.resolved;
    }
    return organisationIds.map((id) => totals.get(id)!);
  }
}
