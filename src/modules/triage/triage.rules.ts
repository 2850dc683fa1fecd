import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAuthenticated } from "../../graphql/rules.js";

export const triageRules: ModuleRules = {
  // Reads only: what the suggestions draw on is limited per viewer in the service.
  Query: { suggestTicketTriage: rootField({ rule: isAuthenticated, scope: ApiScope.TICKETS_READ }) },
  TriageSuggestion: { "*": allow },
  SimilarTicket: { "*": allow },
};
