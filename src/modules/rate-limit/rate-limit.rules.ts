import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow } from "../../graphql/rules.js";

/** Anyone may see their own budget (anonymous callers see their IP's), whatever credential they use. */
export const rateLimitRules: ModuleRules = {
  Query: { rateLimit: rootField({ rule: allow, scope: "any" }) },
  RateLimit: { "*": allow },
};
