/**
 * How urgent a ticket or an issue is: one scale for both. Plain values; the GraphQL enum is
 * registered in graphql/priority.ts.
 */
export enum Priority {
  LOW = "LOW",
  NORMAL = "NORMAL",
  HIGH = "HIGH",
  URGENT = "URGENT",
}

/** Stored beside the priority: ordering by the enum's text would put HIGH before LOW before NORMAL. */
export const PRIORITY_RANK: Record<Priority, number> = {
  [Priority.LOW]: 1,
  [Priority.NORMAL]: 2,
  [Priority.HIGH]: 3,
  [Priority.URGENT]: 4,
};
