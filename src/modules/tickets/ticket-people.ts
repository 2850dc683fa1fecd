import type { SnapshotJoin } from "../../db/read-rows.js";
import type { Loaders } from "../../core/loaders.js";
import type { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";

/**
 * Ticket reads join the requester and the assignee and hand them to the request's users loader:
 * nearly every view of a ticket shows both, and reading them with the ticket saves the separate
 * users statement (and its round trip) that would otherwise follow.
 */
export function ticketPeople(loaders: Loaders): SnapshotJoin[] {
  const prime = (user: object) => {
    const users = loaders.get(usersById);
    users.prime((user as User).id, user as User);
  };
  return [
    { relation: "requester", receive: prime },
    { relation: "assignee", receive: prime },
  ];
}
