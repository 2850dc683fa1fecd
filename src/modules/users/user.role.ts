import { registerEnumType } from "type-graphql";

export enum Role {
  CUSTOMER = "CUSTOMER",
  AGENT = "AGENT",
  ADMIN = "ADMIN",
}

registerEnumType(Role, {
  name: "Role",
  description: "What a user may do: customers see their own tickets, agents work the desk, admins also run it.",
  valuesConfig: {
    CUSTOMER: { description: "Opens tickets and talks to agents about their own tickets." },
    AGENT: { description: "Triages, assigns, comments on and transitions every ticket; works issues in projects." },
    ADMIN: { description: "Everything an agent can, plus projects and user administration." },
  },
});

/** Roles that work the desk (see every ticket, internal notes, projects and issues). */
export const isStaff = (role: Role | undefined | null): boolean => role === Role.AGENT || role === Role.ADMIN;
