import DataLoader from "dataloader";
import type { EntityManager } from "@mikro-orm/core";
import type { LoaderFactory } from "../../core/loaders.js";
import { Organisation, OrganisationDomain, OrganisationMember } from "./organisation.entity.js";
import { OrganisationRole } from "./organisation.enums.js";

/** Organisations by id, one `IN (...)` per batch. */
export const organisationsById: LoaderFactory<DataLoader<string, Organisation | null>> = (em: EntityManager) =>
  new DataLoader(async (ids) => {
    const found = await em.find(Organisation, { id: { $in: [...ids] } });
    const byId = new Map(found.map((o) => [o.id, o]));
    return ids.map((id) => byId.get(id) ?? null);
  });

/** A customer's primary organisation (the one they joined first), by user id; null for none. */
export const primaryOrganisationIds: LoaderFactory<DataLoader<string, string | null>> = (em: EntityManager) =>
  new DataLoader(async (userIds) => {
    const rows = await em.find(OrganisationMember, { user: { $in: [...userIds] } }, { orderBy: { createdAt: "ASC", id: "ASC" }, fields: ["user", "organisation", "createdAt"] });
    const first = new Map<string, string>();
    for (const row of rows) if (!first.has(row.user.id)) first.set(row.user.id, row.organisation.id);
    return userIds.map((id) => first.get(id) ?? null);
  });

/** An organisation's memberships, managers first, then by when they joined. */
export const membersByOrganisation: LoaderFactory<DataLoader<string, OrganisationMember[]>> = (em: EntityManager) =>
  new DataLoader(async (ids) => {
    const rows = await em.find(OrganisationMember, { organisation: { $in: [...ids] } }, { orderBy: { createdAt: "ASC", id: "ASC" } });
    const managersFirst = (m: OrganisationMember) => (m.role === OrganisationRole.MANAGER ? 0 : 1);
    return ids.map((id) => rows.filter((m) => m.organisation.id === id).sort((a, b) => managersFirst(a) - managersFirst(b)));
  });

/** An organisation's email domains, alphabetical. */
export const domainsByOrganisation: LoaderFactory<DataLoader<string, string[]>> = (em: EntityManager) =>
  new DataLoader(async (ids) => {
    const rows = await em.find(OrganisationDomain, { organisation: { $in: [...ids] } }, { orderBy: { domain: "ASC" } });
    return ids.map((id) => rows.filter((d) => d.organisation.id === id).map((d) => d.domain));
  });
