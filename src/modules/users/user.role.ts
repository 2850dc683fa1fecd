import { registerEnumType } from "type-graphql";
import { Role } from "../../core/identity.js";

// The roles themselves are the kernel's (core/identity.ts); here they become the GraphQL enum.
export { isStaff, Role } from "../../core/identity.js";

registerEnumType(Role, {
  name: "Role",
  description: "What a user may do: customers see their own tickets, agents work the desk, admins also run it.",
  valuesConfig: {
    CUSTOMER: { description: "Opens tickets and talks to agents about their own tickets." },
    AGENT: { description: "Triages, assigns, comments on and transitions every ticket; works issues in projects." },
    ADMIN: { description: "Everything an agent can, plus projects and user administration." },
  },
});
