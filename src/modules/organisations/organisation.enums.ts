import { registerEnumType } from "type-graphql";

/** What a customer is in an organisation. */
export enum OrganisationRole {
  /** Sees their own tickets, as any customer. */
  MEMBER = "MEMBER",
  /** Also sees, and comments publicly on, every member's tickets. */
  MANAGER = "MANAGER",
}

registerEnumType(OrganisationRole, {
  name: "OrganisationRole",
  description: "What a customer is in an organisation.",
  valuesConfig: {
    MEMBER: { description: "Sees their own tickets, as any customer." },
    MANAGER: { description: "Also sees, and replies publicly on, the tickets of every member (never internal notes)." },
  },
});
