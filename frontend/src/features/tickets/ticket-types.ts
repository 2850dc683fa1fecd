import type { ResultOf } from "../../lib/graphql/graphql.ts";
import type { TicketDetailFields } from "../../lib/graphql/tickets.documents.ts";

/** The ticket fields every ticket mutation returns, which the page merges into what it shows. */
export type TicketDetail = ResultOf<typeof TicketDetailFields>;
