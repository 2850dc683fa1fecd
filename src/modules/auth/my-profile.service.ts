import type { DomainEvents } from "../../core/events/domain-events.js";
import { NotFoundError } from "../../core/errors.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { User } from "../users/user.entity.js";
import { normaliseDisplayName } from "./credentials.validation.js";

export interface ProfileChanges {
  displayName?: string | null;
}

/** What a user may change about themselves: their display name, validated as at registration. */
export class MyProfileService {
  constructor(private readonly events: DomainEvents) {}

  async update(scope: RequestScope, changes: ProfileChanges): Promise<User> {
    const viewer = requireViewer(scope);
    // Validated before the transaction: bad input writes nothing.
    const displayName = changes.displayName == null ? null : normaliseDisplayName(changes.displayName, "input.displayName");
    return this.events.transaction(scope, async (tx) => {
      const user = await tx.em.findOne(User, { id: viewer.userId });
      if (!user) throw new NotFoundError("User", viewer.userId);
      if (displayName === null || displayName === user.displayName) return user;
      const from = user.displayName;
      user.displayName = displayName;
      await this.events.raise(tx, {
        type: "user.profile_updated",
        target: { type: "User", id: user.id },
        refs: { userId: user.id },
        visibility: "ADMIN",
        payload: { displayName: { from, to: displayName } },
      });
      return user;
    });
  }
}
