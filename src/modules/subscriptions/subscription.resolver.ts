import { Arg, ID, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import type { CommittedEvent } from "../../core/events/catalog.js";
import { createScope } from "../../core/scope.js";
import type { Context } from "../../graphql/context.js";
import { FeedEvent } from "../events/event.types.js";
import type { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { DeskEventFilter } from "./subscription.types.js";

type Subscribe<A = Record<string, never>> = SubscribeResolverData<unknown, A, Context>;

/**
 * GraphQL subscriptions over WebSocket (graphql-ws, server/websocket.ts). Each event is the
 * feed's `Event` (events module), resolved like a query result.
 */
@Resolver()
export class SubscriptionResolver {
  @Subscription(() => FeedEvent, {
    description:
      "The events of one ticket you may see, as they are committed: comments, status, priority and assignment changes. A customer hears only their own ticket's public events (never internal notes). Refetch the ticket when you (re)subscribe: events committed before are not replayed (the `events` feed has them).",
    subscribe: ({ args, context }: Subscribe<{ ticketId: string }>) => freshScopePerEvent(context, context.services.subscriptions.ticketEvents(context, args.ticketId)),
  })
  ticketEvents(@Root() event: CommittedEvent, @Arg("ticketId", () => ID, { description: "The ticket's id or reference (#1042)." }) _ticketId: string): CommittedEvent {
    return event;
  }

  @Subscription(() => FeedEvent, {
    description: "The desk's queue as it changes (staff): tickets opened, edited, assigned and moved, and comments on them, internal notes included.",
    subscribe: ({ args, context }: Subscribe<{ filter?: DeskEventFilter | null }>) => freshScopePerEvent(context, context.services.subscriptions.deskEvents(context, args.filter)),
  })
  deskEvents(@Root() event: CommittedEvent, @Arg("filter", () => DeskEventFilter, { nullable: true, description: "Narrows the events." }) _filter?: DeskEventFilter): CommittedEvent {
    return event;
  }

  @Subscription(() => FeedEvent, {
    description: "The public events of the tickets you requested (a customer's \"my tickets\"): new tickets, replies, status, priority and assignment changes.",
    subscribe: ({ context }: Subscribe) => freshScopePerEvent(context, context.services.subscriptions.myTicketEvents(context)),
  })
  myTicketEvents(@Root() event: CommittedEvent): CommittedEvent {
    return event;
  }
}

/**
 * A subscription's context lives as long as the subscription (hours): its EntityManager and
 * loaders would keep every user they ever read, stale. Each event is resolved in a fresh scope
 * instead. Not an async generator: its `return()` would wait for the next event (event-stream.ts).
 */
async function freshScopePerEvent(ctx: Context, source: AsyncIterableIterator<CommittedEvent> | Promise<AsyncIterableIterator<CommittedEvent>>): Promise<AsyncIterableIterator<CommittedEvent>> {
  const events = await source;
  const renew = (event: CommittedEvent) => {
    Object.assign(ctx, createScope({ em: ctx.services.orm.em.fork(), viewer: ctx.viewer, request: ctx.request, clock: ctx.services.clock }));
    shareActor(ctx, event);
  };
  const iterator: AsyncIterableIterator<CommittedEvent> = {
    next: async () => {
      const result = await events.next();
      if (!result.done) renew(result.value);
      return result;
    },
    return: () => events.return!(),
    throw: (error: unknown) => events.throw!(error),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * Each event's actor, read once for all of its subscribers: the hub hands every subscriber the
 * same event object, and a fresh scope per subscriber would otherwise send one user query per
 * socket per event (1,000 on a watched ticket, enough to starve the pool; bench/events.ts). The
 * loader's users are read-only snapshots, so sharing one across scopes is safe; field rules still
 * run per viewer.
 */
const actors = new WeakMap<CommittedEvent, { pending: Promise<User | null>; user?: User | null }>();

function shareActor(ctx: Context, event: CommittedEvent): void {
  if (!event.actorId) return;
  const loader = ctx.loaders.get(usersById);
  let shared = actors.get(event);
  if (!shared) {
    const entry: { pending: Promise<User | null>; user?: User | null } = { pending: Promise.resolve(loader.user(event.actorId)) };
    entry.pending.then((user) => (entry.user = user)).catch(() => actors.delete(event));
    actors.set(event, (shared = entry));
    return; // this scope's loader holds the load already
  }
  loader.prime(event.actorId, shared.user !== undefined ? shared.user : shared.pending);
}
