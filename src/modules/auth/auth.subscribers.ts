import type { DomainEvents } from "../../core/events/domain-events.js";
import type { SessionService } from "./session.service.js";
import type { ViewerCache } from "./viewer-cache.js";

/**
 * How sessions follow what happens to their account elsewhere (user administration, the
 * emailed-link flows), in the transaction of that change: a deactivated account or a reset
 * password keeps no session, and a new role bites at the next request, not at the cache's expiry.
 */
export function subscribeSessionsToAccounts(events: DomainEvents, sessions: SessionService, viewers: ViewerCache): void {
  events.subscribe("user.deactivated", (scope, event) => sessions.revokeAllForUser(scope, event.target.id, "deactivated"));
  events.subscribe("password.reset", (scope, event) => sessions.revokeAllForUser(scope, event.target.id, "password_reset"));
  events.subscribe("user.role_changed", (_scope, event) => viewers.forgetUser(event.target.id));
}
