import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAuthenticated } from "../../graphql/rules.js";

export const eventRules: ModuleRules = {
  // Every signed-in caller; the service shows each only the events it may see, and an API token
  // only those of the areas its scopes name (event.access.ts), so no one scope gates the field.
  Query: { events: rootField({ rule: isAuthenticated, scope: "any" }) },
  Event: { "*": allow },
  EventTarget: { "*": allow },
  EventConnection: { "*": allow },
  EventEdge: { "*": allow },
};
