import type { FilterQuery } from "@mikro-orm/core";
import { Arg, Args, Ctx, Query, Resolver } from "type-graphql";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import type { Context } from "../../graphql/context.js";
import { paginate } from "../../db/pagination.js";
import { OutboxMessage, OutboxStatus } from "./outbox-message.entity.js";
import { OutboxFilter, OutboxMessageConnection } from "./outbox.types.js";

const STATUS_WHERE: Record<OutboxStatus, FilterQuery<OutboxMessage>> = {
  [OutboxStatus.PENDING]: { deliveredAt: null, failedAt: null },
  [OutboxStatus.DELIVERED]: { deliveredAt: { $ne: null } },
  [OutboxStatus.FAILED]: { failedAt: { $ne: null } },
};

@Resolver(() => OutboxMessage)
export class OutboxResolver {
  @Query(() => OutboxMessageConnection, {
    description: "Queued and sent emails, newest first: the delivery log, and with MAIL_TRANSPORT=outbox the development mailbox. Admins only.",
  })
  outbox(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => OutboxFilter, { nullable: true, description: "Narrows the list." }) filter: OutboxFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<OutboxMessage>> {
    const where: FilterQuery<OutboxMessage>[] = [];
    if (filter?.to) where.push({ recipient: filter.to.trim().toLowerCase() });
    if (filter?.status) where.push(STATUS_WHERE[filter.status]);
    if (filter?.kind) where.push({ kind: filter.kind });
    return paginate(ctx.em, OutboxMessage, where.length ? { $and: where } : {}, { field: "createdAt", direction: "DESC" }, page);
  }
}
