import type { EntityManager } from "@mikro-orm/core";
import type { EntityManager as SqlEntityManager } from "@mikro-orm/knex";
import type { LoaderFactory } from "../../core/loaders.js";
import { OrganisationRole } from "./organisation.enums.js";

/**
 * What being an organisation's manager lets a customer see: the tickets of its members, exactly
 * as their requester does. The tickets module (ticket.access.ts, ticket.filters.ts) applies it;
 * this module only knows who manages whom.
 */

/**
 * SQL for the ids of the customers whose tickets the manager `?` sees: the members of every
 * organisation they manage (themselves included). One parameter, the manager's id.
 */
export const MANAGED_MEMBERS_SQL =
  `select om.user_id from organisation_members om join organisation_members mine on mine.organisation_id = om.organisation_id` +
  ` where mine.user_id = ? and mine.role = '${OrganisationRole.MANAGER}'`;

/** The same, narrowed to some organisations: parameters are the manager's id, then the organisation ids. */
export function managedMembersOfSql(organisationCount: number): string {
  return `${MANAGED_MEMBERS_SQL} and om.organisation_id in (${Array(organisationCount).fill("?").join(", ")})`;
}

/** SQL for the members of some organisations (staff filters): parameters are the organisation ids. */
export function membersOfSql(organisationCount: number): string {
  return `select om.user_id from organisation_members om where om.organisation_id in (${Array(organisationCount).fill("?").join(", ")})`;
}

/**
 * Whether `managerId` manages an organisation `memberId` belongs to, remembered for the request
 * (one statement per requester a request asks about). It reads through the caller's
 * EntityManager, a transaction's inside one: on SQLite the transaction holds the only connection.
 */
export class ManagedMembers {
  private readonly known = new Map<string, Promise<boolean>>();

  manages(em: EntityManager, managerId: string, memberId: string): Promise<boolean> {
    const key = `${managerId} ${memberId}`;
    let answer = this.known.get(key);
    if (!answer) {
      answer = (em as SqlEntityManager).execute(`${MANAGED_MEMBERS_SQL} and om.user_id = ? limit 1`, [managerId, memberId]).then((rows) => rows.length > 0);
      this.known.set(key, answer);
    }
    return answer;
  }
}

export const managedMembers: LoaderFactory<ManagedMembers> = () => new ManagedMembers();

/**
 * The managers of the organisations `memberId` belongs to (themselves excluded): who gets the
 * public replies on their tickets as they do (mail/ticket-mail.subscriber.ts). Reads through
 * `em`, a transaction's inside one.
 */
export async function managersOf(em: EntityManager, memberId: string): Promise<string[]> {
  const rows = await (em as SqlEntityManager).execute<{ user_id: string }[]>(
    `select distinct mgr.user_id from organisation_members om join organisation_members mgr on mgr.organisation_id = om.organisation_id` +
      ` where om.user_id = ? and mgr.role = '${OrganisationRole.MANAGER}' and mgr.user_id <> ?`,
    [memberId, memberId],
  );
  return rows.map((r) => r.user_id);
}
