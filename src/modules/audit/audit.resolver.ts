import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { FilterQuery } from "@mikro-orm/core";
import type { Context } from "../../graphql/context.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import { paginate } from "../../db/pagination.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { AuditEvent } from "./audit-event.entity.js";
import { AuditEventConnection, AuditEventFilter } from "./audit.types.js";

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Query(() => AuditEventConnection, { description: "The audit trail, newest first. Admins only." })
  auditEvents(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => AuditEventFilter, { nullable: true, description: "Narrows the trail." }) filter: AuditEventFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<AuditEvent>> {
    const where: FilterQuery<AuditEvent>[] = [];
    if (filter?.actions?.length) where.push({ action: { $in: filter.actions } });
    if (filter?.actorId) where.push({ actor: filter.actorId });
    if (filter?.targetType) where.push({ targetType: filter.targetType });
    if (filter?.targetId) where.push({ targetId: filter.targetId });
    if (filter?.since) where.push({ createdAt: { $gte: filter.since } });
    if (filter?.until) where.push({ createdAt: { $lt: filter.until } });
    return paginate(ctx.em, AuditEvent, where.length ? { $and: where } : {}, { field: "createdAt", direction: "DESC" }, page);
  }

  @FieldResolver(() => User, { nullable: true, description: "Who did it; null for the system or an unknown caller." })
  actor(@Root() event: AuditEvent, @Ctx() ctx: Context): User | Promise<User | null> | null {
    return event.actor ? ctx.loaders.get(usersById).user(event.actor.id) : null;
  }
}
