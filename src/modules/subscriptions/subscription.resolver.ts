import { Arg, ID, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import type { CommittedEvent } from "../../core/events/catalog.js";
import type { Context } from "../../graphql/context.js";
import { FeedEvent } from "../events/event.types.js";
import { DeskEventFilter } from "./subscription.types.js";

type Subscribe<A = Record<string, never>> = SubscribeResolverData<unknown, A, Context>;

/**
 * GraphQL subscriptions over WebSocket (graphql-ws, server/websocket.ts). Each event is the
 * feed's `Event` (events module), resolved like a query result: once per event and viewer class,
 * each time in a fresh scope (server/subscription-fanout.ts), never in the subscription's own
 * context, which lives for hours and would keep every user it ever read, stale.
 */
@Resolver()
export class SubscriptionResolver {
  @Subscription(() => FeedEvent, {
    description:
      "The events of one ticket you may see, as they are committed: comments, status, priority and assignment changes. A customer hears only their own ticket's public events (never internal notes). Refetch the ticket when you (re)subscribe: events committed before are not replayed (the `events` feed has them).",
    subscribe: ({ args, context }: Subscribe<{ ticketId: string }>) => context.services.subscriptions.ticketEvents(context, args.ticketId),
  })
  ticketEvents(@Root() event: CommittedEvent, @Arg("ticketId", () => ID, { description: "The ticket's id or reference (#1042)." }) _ticketId: string): CommittedEvent {
    return event;
  }

  @Subscription(() => FeedEvent, {
    description: "The desk's queue as it changes (staff): tickets opened, edited, assigned and moved, and comments on them, internal notes included.",
    subscribe: ({ args, context }: Subscribe<{ filter?: DeskEventFilter | null }>) => context.services.subscriptions.deskEvents(context, args.filter),
  })
  deskEvents(@Root() event: CommittedEvent, @Arg("filter", () => DeskEventFilter, { nullable: true, description: "Narrows the events." }) _filter?: DeskEventFilter): CommittedEvent {
    return event;
  }

  @Subscription(() => FeedEvent, {
    description: "The public events of the tickets you requested (a customer's \"my tickets\"): new tickets, replies, status, priority and assignment changes.",
    subscribe: ({ context }: Subscribe) => context.services.subscriptions.myTicketEvents(context),
  })
  myTicketEvents(@Root() event: CommittedEvent): CommittedEvent {
    return event;
  }
}
