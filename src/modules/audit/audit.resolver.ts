import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { AuditEvent } from "./audit-event.entity.js";
import { listAuditEvents } from "./audit.service.js";
import { AuditEventConnection, AuditEventFilter } from "./audit.types.js";

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Query(() => AuditEventConnection, { description: "The audit trail, newest first. Admins only." })
  auditEvents(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => AuditEventFilter, { nullable: true, description: "Narrows the trail." }) filter: AuditEventFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<AuditEvent>> {
    return listAuditEvents(ctx, filter, page);
  }

  @FieldResolver(() => User, { nullable: true, description: "Who did it; null for the system or an unknown caller." })
  actor(@Root() event: AuditEvent, @Ctx() ctx: Context): User | Promise<User | null> | null {
    return event.actor ? ctx.loaders.get(usersById).user(event.actor.id) : null;
  }
}
