import type { VariablesOf } from "../../lib/graphql/graphql.ts";
import type { UsersQuery } from "../../lib/graphql/users.documents.ts";

type UserFilter = NonNullable<VariablesOf<typeof UsersQuery>["filter"]>;

/** The admin list's "Account state" choices and the UserFilter flags each one sets. */
export const ACCOUNT_STATES = {
  "": { label: "Any state", filter: {} },
  active: { label: "Active", filter: { deactivated: false, locked: false } },
  locked: { label: "Locked", filter: { locked: true } },
  deactivated: { label: "Deactivated", filter: { deactivated: true } },
} satisfies Record<string, { label: string; filter: Pick<UserFilter, "locked" | "deactivated"> }>;

export function stateFilter(value: string): Pick<UserFilter, "locked" | "deactivated"> {
  return value in ACCOUNT_STATES ? ACCOUNT_STATES[value as keyof typeof ACCOUNT_STATES].filter : {};
}
