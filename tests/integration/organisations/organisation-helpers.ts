import type { TestServer } from "../../support/server.js";
import { DEFAULT_PASSWORD } from "../../support/server.js";
import { ok } from "../tickets/ticket-helpers.js";

/** The organisation suites' documents and steps. */

export const ORG_FIELDS = `id name notes emailDomains memberCount members { role user { id displayName } } ticketCounts { open resolved breached total }`;
export const CREATE_ORG = `mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { ${ORG_FIELDS} } }`;
export const UPDATE_ORG = `mutation($id: ID!, $i: UpdateOrganisationInput!) { updateOrganisation(id: $id, input: $i) { ${ORG_FIELDS} } }`;
export const DELETE_ORG = `mutation($id: ID!) { deleteOrganisation(id: $id) }`;
export const GET_ORG = `query($id: ID!) { organisation(id: $id) { ${ORG_FIELDS} } }`;
export const LIST_ORGS = `query($search: String, $first: Int, $after: String) { organisations(search: $search, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id name } } }`;
export const ADD_MEMBER = `mutation($o: ID!, $u: ID!, $r: OrganisationRole) { addOrganisationMember(organisationId: $o, userId: $u, role: $r) { role user { id } organisation { id name } } }`;
export const SET_ROLE = `mutation($o: ID!, $u: ID!, $r: OrganisationRole!) { setOrganisationMemberRole(organisationId: $o, userId: $u, role: $r) { role user { id } } }`;
export const REMOVE_MEMBER = `mutation($o: ID!, $u: ID!) { removeOrganisationMember(organisationId: $o, userId: $u) { id memberCount } }`;
export const MY_ORGS = `{ myOrganisations { role organisation { id name } } }`;

export async function createOrganisation(t: TestServer, adminToken: string, input: Record<string, unknown>): Promise<{ id: string; name: string }> {
  return ok(await t.gql(CREATE_ORG, { i: input }, adminToken), "createOrganisation");
}

export async function addMember(t: TestServer, adminToken: string, organisationId: string, userId: string, role: "MEMBER" | "MANAGER" = "MEMBER") {
  return ok(await t.gql(ADD_MEMBER, { o: organisationId, u: userId, r: role }, adminToken), "addOrganisationMember");
}

/** Registers a customer with a chosen email address (createUser picks example.test ones). */
export async function register(t: TestServer, email: string, displayName = "Someone"): Promise<{ id: string; token: string }> {
  const res = await t.gql(`mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`, { i: { email, password: DEFAULT_PASSWORD, displayName } });
  const reg = ok(res, "register");
  return { id: reg.user.id, token: reg.accessToken };
}
