import { Field, InputType } from "type-graphql";
import { connectionType } from "../../graphql/connection.types.js";
import { OutboxMessage, OutboxStatus } from "./outbox-message.entity.js";

export const OutboxMessageConnection = connectionType(OutboxMessage, "OutboxMessage", "queued email");

@InputType({ description: "Narrows the outbox." })
export class OutboxFilter {
  @Field(() => String, { nullable: true, description: "Only messages to this address (case-insensitive)." })
  to?: string;

  @Field(() => OutboxStatus, { nullable: true, description: "Only messages in this state." })
  status?: OutboxStatus;

  @Field(() => String, { nullable: true, description: "Only messages of this kind, e.g. PASSWORD_RESET." })
  kind?: string;
}
