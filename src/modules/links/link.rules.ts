import { allow, isStaff } from "../../graphql/rules.js";

export const linkRules = {
  Mutation: { linkTicketToIssue: isStaff, unlinkTicketFromIssue: isStaff },
  // Customers reach their tickets; the issues behind them stay staff-only.
  Ticket: { linkedIssues: isStaff },
  TicketIssueLinkPayload: { "*": allow }, // reachable only through the staff-only mutations
};
