import type { CommittedEvent } from "../../core/events/catalog.js";
import type { Context } from "../../graphql/context.js";
import type { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";

/**
 * Each event's actor, read once for all of its executions: an event is executed once per viewer
 * class (server/subscription-fanout.ts), each in a fresh scope whose loader would otherwise read
 * the same user again. The loader's users are read-only snapshots, so sharing one across scopes
 * is safe; field rules still run per class.
 */
const actors = new WeakMap<CommittedEvent, { pending: Promise<User | null>; user?: User | null }>();

/** Primes `ctx`'s users loader with `event`'s actor (or starts reading it, for the next execution to share). */
export function primeEventActor(ctx: Context, event: CommittedEvent): void {
  if (!event.actorId) return;
  const loader = ctx.loaders.get(usersById);
  const shared = actors.get(event);
  if (!shared) {
    const entry: { pending: Promise<User | null>; user?: User | null } = { pending: Promise.resolve(loader.user(event.actorId)) };
    entry.pending.then((user) => (entry.user = user)).catch(() => actors.delete(event));
    actors.set(event, entry);
    return; // this scope's loader holds the load already
  }
  loader.prime(event.actorId, shared.user !== undefined ? shared.user : shared.pending);
}
