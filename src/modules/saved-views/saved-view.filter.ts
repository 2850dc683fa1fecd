import { coerceInputValue, isInputObjectType, type GraphQLSchema } from "graphql";
import type { TicketFilter } from "../tickets/ticket.types.js";

/**
 * A stored filter read back through the schema's own `TicketFilter` input type, exactly as an
 * argument would be: dates become Dates, enums are checked, and fields added to the filter since
 * the view was saved need no change here. null when it no longer fits (a field was removed).
 */
export function storedTicketFilter(json: string, schema: GraphQLSchema): TicketFilter | null {
  const type = schema.getType("TicketFilter");
  if (!isInputObjectType(type)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  let valid = true;
  const value = coerceInputValue(parsed, type, () => {
    valid = false;
  }) as TicketFilter | undefined;
  return valid && value ? value : null;
}
