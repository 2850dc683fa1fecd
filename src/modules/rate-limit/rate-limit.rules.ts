import { allow } from "../../graphql/rules.js";

/** Anyone may see their own budget (anonymous callers see their IP's). */
export const rateLimitRules = {
  Query: { rateLimit: allow },
  RateLimit: { "*": allow },
};
