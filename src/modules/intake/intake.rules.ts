import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAdmin } from "../../graphql/rules.js";

const admins = rootField({ rule: isAdmin, scope: ApiScope.ADMIN });

/** Received emails carry other people's addresses and messages: admins only. A ticket's or comment's source is seen with it. */
export const intakeRules: ModuleRules = {
  Query: { inboundMailFailures: admins },
  Mutation: { retryInboundMail: admins },
  InboundMail: { "*": allow },
  InboundMailConnection: { "*": allow },
  InboundMailEdge: { "*": allow },
  Ticket: { source: allow },
  Comment: { source: allow },
};
