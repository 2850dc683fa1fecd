import { Field, ID, InputType } from "type-graphql";
import { connectionType } from "../../graphql/connection.types.js";
import { AuditEvent } from "./audit-event.entity.js";
import { AuditAction } from "./audit.actions.js";

export const AuditEventConnection = connectionType(AuditEvent, "AuditEvent", "audit event");

@InputType({ description: "Narrows the audit trail." })
export class AuditEventFilter {
  @Field(() => [AuditAction], { nullable: true, description: "Only these actions." })
  actions?: AuditAction[];

  @Field(() => ID, { nullable: true, description: "Only events by this user." })
  actorId?: string;

  @Field(() => String, { nullable: true, description: "Only events on objects of this kind (User, Session, Ticket, ...)." })
  targetType?: string;

  @Field(() => ID, { nullable: true, description: "Only events on this object." })
  targetId?: string;

  @Field(() => Date, { nullable: true, description: "Only events at or after this time." })
  since?: Date;

  @Field(() => Date, { nullable: true, description: "Only events before this time." })
  until?: Date;
}
