import type { FilterQuery } from "@mikro-orm/core";
import { BadUserInputError, NotFoundError } from "../../core/errors.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { Role } from "../../core/identity.js";
import type { PageRequest } from "../../core/paging.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { conflictOnRace, FOR_UPDATE, READ_ONLY } from "../../core/writes.js";
import { paginate } from "../../db/pagination.js";
import { contains } from "../../db/text-match.js";
import { User } from "../users/user.entity.js";
import { Organisation, OrganisationDomain, OrganisationMember } from "./organisation.entity.js";
import { OrganisationRole } from "./organisation.enums.js";
import { cleanDomains, cleanName, cleanNotes, domainOf, SEARCH_MAX } from "./organisation.validation.js";

export interface OrganisationInput {
  name?: string | null;
  emailDomains?: string[] | null;
  notes?: string | null;
}

const about = (organisationId: string, userId?: string) => ({
  target: { type: "Organisation", id: organisationId },
  refs: userId ? { userId } : {},
  visibility: "STAFF" as const,
});

/**
 * Customer organisations (admins write, agents read): their email domains, members and
 * managers. What a manager may see is applied where tickets are read (tickets/ticket.access.ts).
 */
export class OrganisationService {
  constructor(private readonly events: DomainEvents) {}

  list(scope: RequestScope, search: string | null | undefined, page: PageRequest) {
    const where: FilterQuery<Organisation>[] = [];
    const text = search?.trim();
    if (text) {
      if (text.length > SEARCH_MAX) throw new BadUserInputError(`The search text must be at most ${SEARCH_MAX} characters.`, "search");
      where.push({ name: contains(text) });
    }
    return paginate(scope.em, Organisation, where.length ? { $and: where } : {}, { field: "name", direction: "ASC" }, page);
  }

  async get(scope: RequestScope, id: string): Promise<Organisation> {
    const organisation = await scope.em.findOne(Organisation, { id });
    if (!organisation) throw new NotFoundError("Organisation", id);
    return organisation;
  }

  /** The viewer's memberships, oldest first (the first is their primary organisation). */
  mine(scope: RequestScope): Promise<OrganisationMember[]> {
    const viewer = requireViewer(scope);
    return scope.em.find(OrganisationMember, { user: viewer.userId }, { orderBy: { createdAt: "ASC", id: "ASC" }, populate: ["organisation"] });
  }

  async create(scope: RequestScope, input: OrganisationInput): Promise<Organisation> {
    const name = cleanName(input.name ?? "", "input.name");
    const domains = cleanDomains(input.emailDomains ?? [], "input.emailDomains");
    const notes = cleanNotes(input.notes ?? "", "input.notes");
    return conflictOnRace("organisation", () =>
      this.events.transaction(scope, async (tx) => {
        await this.assertNameFree(tx, name, null);
        const organisation = tx.em.create(Organisation, { name, notes });
        await this.claimDomains(tx, organisation, domains);
        await tx.em.flush();
        await this.events.raise(tx, { type: "organisation.created", ...about(organisation.id), payload: { name, emailDomains: domains } });
        return organisation;
      }),
    );
  }

  async update(scope: RequestScope, id: string, input: OrganisationInput): Promise<Organisation> {
    const name = input.name != null ? cleanName(input.name, "input.name") : undefined;
    const domains = input.emailDomains != null ? cleanDomains(input.emailDomains, "input.emailDomains") : undefined;
    const notes = input.notes != null ? cleanNotes(input.notes, "input.notes") : undefined;
    if (name === undefined && domains === undefined && notes === undefined) throw new BadUserInputError("Pass at least one field to change.", "input");
    return conflictOnRace("organisation", () =>
      this.events.transaction(scope, async (tx) => {
        const organisation = await tx.em.findOne(Organisation, { id }, FOR_UPDATE);
        if (!organisation) throw new NotFoundError("Organisation", id);
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        if (name !== undefined && name !== organisation.name) {
          await this.assertNameFree(tx, name, organisation.id);
          changes.name = { from: organisation.name, to: name };
          organisation.name = name;
        }
        if (notes !== undefined && notes !== organisation.notes) {
          changes.notes = { from: `${organisation.notes.length} characters`, to: `${notes.length} characters` };
          organisation.notes = notes;
        }
        if (domains !== undefined) {
          const before = (await tx.em.find(OrganisationDomain, { organisation: organisation.id }, { orderBy: { domain: "ASC" } })).map((d) => d.domain);
          if (before.join(" ") !== [...domains].sort().join(" ")) {
            await tx.em.nativeDelete(OrganisationDomain, { organisation: organisation.id });
            await this.claimDomains(tx, organisation, domains);
            changes.emailDomains = { from: before, to: domains };
          }
        }
        if (!Object.keys(changes).length) return organisation;
        await tx.em.flush();
        await this.events.raise(tx, { type: "organisation.updated", ...about(organisation.id), payload: { changes } });
        return organisation;
      }),
    );
  }

  /** Removes the organisation and its memberships and domains; its members' tickets stay. */
  async delete(scope: RequestScope, id: string): Promise<string> {
    await this.events.transaction(scope, async (tx) => {
      const organisation = await tx.em.findOne(Organisation, { id }, FOR_UPDATE);
      if (!organisation) throw new NotFoundError("Organisation", id);
      await tx.em.nativeDelete(OrganisationMember, { organisation: id });
      await tx.em.nativeDelete(OrganisationDomain, { organisation: id });
      await tx.em.remove(organisation).flush();
      await this.events.raise(tx, { type: "organisation.deleted", ...about(id), payload: { name: organisation.name } });
    });
    return id;
  }

  async addMember(scope: RequestScope, organisationId: string, userId: string, role: OrganisationRole): Promise<OrganisationMember> {
    return conflictOnRace("organisation membership", () =>
      this.events.transaction(scope, async (tx) => {
        const organisation = await this.lock(tx, organisationId);
        const user = await tx.em.findOne(User, { id: userId }, READ_ONLY);
        if (!user) throw new BadUserInputError(`No user has the id "${userId}".`, "userId");
        if (user.role !== Role.CUSTOMER) throw new BadUserInputError(`Organisations are for customers; ${user.displayName} is not one.`, "userId");
        if (user.deactivatedAt) throw new BadUserInputError(`${user.displayName} is deactivated.`, "userId");
        if (await tx.em.count(OrganisationMember, { organisation: organisation.id, user: userId })) {
          throw new BadUserInputError(`${user.displayName} is already a member of ${organisation.name}.`, "userId");
        }
        const member = tx.em.create(OrganisationMember, { organisation, user: tx.em.getReference(User, userId, { wrapped: true }), role });
        await tx.em.flush();
        await this.events.raise(tx, { type: "organisation.member_added", ...about(organisation.id, userId), payload: { userId, role } });
        return member;
      }),
    );
  }

  async setMemberRole(scope: RequestScope, organisationId: string, userId: string, role: OrganisationRole): Promise<OrganisationMember> {
    return conflictOnRace("organisation membership", () =>
      this.events.transaction(scope, async (tx) => {
        const organisation = await this.lock(tx, organisationId);
        const member = await this.membership(tx, organisation.id, userId);
        if (member.role === role) return member;
        const from = member.role;
        member.role = role;
        await tx.em.flush();
        await this.events.raise(tx, { type: "organisation.member_role_changed", ...about(organisation.id, userId), payload: { userId, from, to: role } });
        return member;
      }),
    );
  }

  async removeMember(scope: RequestScope, organisationId: string, userId: string): Promise<Organisation> {
    return this.events.transaction(scope, async (tx) => {
      const organisation = await this.lock(tx, organisationId);
      const member = await this.membership(tx, organisation.id, userId);
      await tx.em.remove(member).flush();
      await this.events.raise(tx, { type: "organisation.member_removed", ...about(organisation.id, userId), payload: { userId, role: member.role } });
      return organisation;
    });
  }

  /**
   * A new customer joins the organisation that claims their email domain, as a member (a
   * subscriber to the account-creation events, inside their transaction).
   */
  async joinByDomain(tx: RequestScope, userId: string): Promise<void> {
    const user = await tx.em.findOne(User, { id: userId });
    if (!user || user.role !== Role.CUSTOMER) return;
    const claim = await tx.em.findOne(OrganisationDomain, { domain: domainOf(user.email) }, READ_ONLY);
    if (!claim) return;
    const organisationId = claim.organisation.id;
    if (await tx.em.count(OrganisationMember, { organisation: organisationId, user: userId })) return;
    tx.em.create(OrganisationMember, { organisation: tx.em.getReference(Organisation, organisationId, { wrapped: true }), user: tx.em.getReference(User, userId, { wrapped: true }), role: OrganisationRole.MEMBER });
    await tx.em.flush();
    await this.events.raise(tx, { type: "organisation.member_added", actorId: null, ...about(organisationId, userId), payload: { userId, role: OrganisationRole.MEMBER, automatic: true } });
  }

  private async lock(tx: RequestScope, id: string): Promise<Organisation> {
    // Memberships change under the organisation's row lock, so two admins' changes queue up.
    const organisation = await tx.em.findOne(Organisation, { id }, FOR_UPDATE);
    if (!organisation) throw new NotFoundError("Organisation", id);
    return organisation;
  }

  private async membership(tx: RequestScope, organisationId: string, userId: string): Promise<OrganisationMember> {
    const member = await tx.em.findOne(OrganisationMember, { organisation: organisationId, user: userId });
    if (!member) throw new NotFoundError("Membership of user", userId);
    return member;
  }

  private async assertNameFree(tx: RequestScope, name: string, except: string | null): Promise<void> {
    const taken = await tx.em.findOne(Organisation, { name }, READ_ONLY);
    if (taken && taken.id !== except) throw new BadUserInputError(`An organisation named "${name}" already exists.`, "input.name");
  }

  private async claimDomains(tx: RequestScope, organisation: Organisation, domains: string[]): Promise<void> {
    if (!domains.length) return;
    const claimed = await tx.em.find(OrganisationDomain, { domain: { $in: domains }, organisation: { $ne: organisation.id } }, READ_ONLY);
    if (claimed.length) {
      const index = domains.indexOf(claimed[0]!.domain);
      throw new BadUserInputError(`${claimed[0]!.domain} already belongs to another organisation.`, `input.emailDomains.${index}`);
    }
    for (const domain of domains) tx.em.create(OrganisationDomain, { domain, organisation });
  }
}
