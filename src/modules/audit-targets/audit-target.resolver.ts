import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { AuditEvent } from "../audit/audit-event.entity.js";
import { auditTargetLabels, isLabelledTarget } from "./audit-target.loaders.js";

/**
 * Names audit targets for people: a module of its own, as it reads the tables of modules (tickets,
 * issues) that themselves import the audit module.
 */
@Resolver(() => AuditEvent)
export class AuditTargetResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description: 'The target in words: a user\'s display name, "#1042 · subject" for a ticket, "OPS-12 · title" for an issue, "OPS · name" for a project; null for other kinds and deleted targets.',
  })
  targetLabel(@Root() event: AuditEvent, @Ctx() ctx: Context): Promise<string | null> | null {
    if (!event.targetType || !event.targetId || !isLabelledTarget(event.targetType)) return null;
    return ctx.loaders.get(auditTargetLabels).load(`${event.targetType}:${event.targetId}`);
  }
}
