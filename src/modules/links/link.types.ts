import { Field, ObjectType } from "type-graphql";
import { Issue } from "../issues/issue.entity.js";
import { Ticket } from "../tickets/ticket.entity.js";

@ObjectType({ description: "The outcome of linking or unlinking a ticket and an issue." })
export class TicketIssueLinkPayload {
  @Field(() => Ticket, { description: "The ticket." })
  ticket!: Ticket;

  @Field(() => Issue, { description: "The issue." })
  issue!: Issue;

  @Field(() => Boolean, { description: "Whether the two are linked now." })
  linked!: boolean;

  @Field(() => Boolean, { description: "Whether this call changed anything (false when they already were as asked)." })
  changed!: boolean;
}
