import { ApiScope } from "../../core/identity.js";
import { idempotent, rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isStaff } from "../../graphql/rules.js";

const bulkRead = rootField({ rule: isStaff, scope: ApiScope.TICKETS_READ });
const bulkWrite = rootField({ rule: isStaff, scope: ApiScope.TICKETS_WRITE });
/** The major-incident flow reads an issue's links and writes its tickets. */
const linkedRead = rootField({ rule: isStaff, scope: [ApiScope.TICKETS_READ, ApiScope.ISSUES_READ] });
const linkedWrite = rootField({ rule: isStaff, scope: [ApiScope.TICKETS_WRITE, ApiScope.ISSUES_READ] });

/** Bulk changes are the desk's work: agents and admins only (customers get FORBIDDEN). */
export const bulkRules: ModuleRules = {
  Query: { previewBulkTicketChange: bulkRead, previewLinkedTicketsUpdate: linkedRead },
  Mutation: { applyBulkTicketChange: idempotent(bulkWrite), notifyLinkedTickets: idempotent(linkedWrite) },
  BulkTicketPreview: { "*": allow },
  BulkTicketOutcome: { "*": allow },
  BulkFieldChange: { "*": allow },
  TicketVersion: { "*": allow },
  BulkTicketChangeResult: { "*": allow },
};
