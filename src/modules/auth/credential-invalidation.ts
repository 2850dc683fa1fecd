import type { CommittedEvent, EventType } from "../../core/events/catalog.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import type { AccessTokens } from "./access-token.js";
import type { SigningKeysReloader } from "./signing-keys.reloader.js";
import type { ViewerCache } from "./viewer-cache.js";

/**
 * The events after which a cached view of a session or user is stale. The target says which:
 * a Session (logout, one revoked session, a reused refresh token) or a User (everything else,
 * including "all my other sessions" and the account's role, status, password and lockout).
 * api_token.revoked is the API-token module's (api-token.auth.ts).
 */
const STALE_CREDENTIALS: readonly EventType[] = [
  "session.revoked",
  "user.logged_out",
  "user.deactivated",
  "user.reactivated",
  "user.role_changed",
  "password.changed",
  "password.reset",
  "refresh_token.reused",
  "user.unlocked",
];

/** Every event after which a credential may no longer be what it was (sockets re-check theirs: server/websocket.ts). */
export const CREDENTIAL_EVENTS: ReadonlySet<EventType> = new Set<EventType>([...STALE_CREDENTIALS, "api_token.revoked"]);

export interface CredentialCaches {
  viewers: ViewerCache;
  accessTokens: AccessTokens;
}

/** Drops the cached sessions and users the events concern. */
export function forgetStaleCredentials(caches: CredentialCaches, events: readonly CommittedEvent[]): void {
  for (const event of events) {
    if (!STALE_CREDENTIALS.includes(event.type)) continue;
    if (event.target.type === "Session") {
      caches.viewers.forgetSession(event.target.id);
      caches.accessTokens.forgetSession(event.target.id);
    } else if (event.target.type === "User") {
      caches.viewers.forgetUser(event.target.id);
      caches.accessTokens.forgetUser(event.target.id);
    }
  }
}

/**
 * Revocations and role changes bite on every replica at once: this process forgets before its
 * own change commits (session.service.ts) and again when it is committed; every other replica
 * forgets when the event tail relays the event (db/event-tail.ts). A rotated signing key is
 * loaded at once everywhere for the same reason.
 */
export function subscribeCachesToCommittedEvents(events: DomainEvents, caches: CredentialCaches, keys: SigningKeysReloader, log: () => { error(details: object, message: string): void } | undefined): void {
  const react = (committed: readonly CommittedEvent[]) => {
    forgetStaleCredentials(caches, committed);
    if (committed.some((event) => event.type === "signing_key.rotated")) {
      keys.reloadNow().catch((error: unknown) => log()?.error({ err: error }, "could not reload the JWT signing keys after a rotation; the periodic reload retries"));
    }
  };
  events.onCommitted(react);
  events.onReplicated(react);
}
