import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Priority } from "../../core/priority.js";
import { Comment } from "../comments/comment.entity.js";
import { TicketStatus } from "../tickets/ticket.enums.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { MacroAssign, MacroChangeKind } from "./macro.model.js";

registerEnumType(MacroAssign, {
  name: "MacroAssign",
  description: "Whom a macro assigns the ticket to.",
  valuesConfig: {
    ME: { description: "Whoever applies the macro." },
    NOBODY: { description: "Nobody: the ticket is unassigned." },
    USER: { description: "The agent or admin named by `assigneeId`." },
  },
});
registerEnumType(MacroChangeKind, {
  name: "MacroChangeKind",
  description: "One kind of change a macro makes.",
  valuesConfig: {
    REPLY: { description: "A public reply." },
    NOTE: { description: "An internal note." },
    STATUS: { description: "A status change, through the ticket's life cycle." },
    PRIORITY: { description: "A priority change." },
    ASSIGNEE: { description: "An assignee change." },
    TAGS: { description: "Tags added or removed." },
  },
});

@ObjectType({ description: "What a macro does; absent parts change nothing." })
@InputType("MacroActionsInput", { description: "What a macro does; absent parts change nothing. At least one part." })
export class MacroActions {
  @Field(() => String, { nullable: true, description: "A reply as Markdown with placeholders (see `cannedResponsePlaceholders`); not with `replyCannedResponseId`." })
  replyBody?: string | null;

  @Field(() => ID, { nullable: true, description: "A canned response to reply with, filled for the ticket; shared macros use shared ones." })
  replyCannedResponseId?: string | null;

  @Field(() => Boolean, { nullable: true, description: "The reply is an internal note; default false (public)." })
  replyInternal?: boolean | null;

  @Field(() => TicketStatus, { nullable: true, description: "The status to move to (refused when the life cycle does not allow it from where the ticket is)." })
  status?: TicketStatus | null;

  @Field(() => Priority, { nullable: true, description: "The priority to set." })
  priority?: Priority | null;

  @Field(() => MacroAssign, { nullable: true, description: "Whom to assign the ticket to." })
  assign?: MacroAssign | null;

  @Field(() => ID, { nullable: true, description: "With assign USER: the agent or admin." })
  assigneeId?: string | null;

  @Field(() => [String], { nullable: true, description: "Tags to add (TAGS_MODE=curated: existing ones, unless you are an admin)." })
  addTags?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Tags to remove." })
  removeTags?: string[] | null;
}

@InputType({ description: "A macro to create, or as it should be." })
export class MacroInput {
  @Field(() => String, { description: "Its name (1-100 characters, one line)." })
  name!: string;

  @Field(() => Boolean, { nullable: true, description: "Shared with all staff (admins only); default false, personal." })
  shared?: boolean;

  @Field(() => MacroActions, { description: "What it does." })
  actions!: MacroActions;
}

@ObjectType({ description: "One change a macro makes (or would make) to a ticket." })
export class MacroChange {
  @Field(() => MacroChangeKind, { description: "What changes." })
  kind!: MacroChangeKind;

  @Field(() => String, { nullable: true, description: "The value before (a status, a priority, an assignee's name, the tags), if any." })
  from!: string | null;

  @Field(() => String, { description: "The value after; for a reply or note, its text as it will be posted." })
  to!: string;
}

@ObjectType({ description: "What applying a macro to a ticket would do, without doing it." })
export class MacroPreview {
  @Field(() => [MacroChange], { description: "The changes, in the order they are applied; what already holds is left out." })
  changes!: MacroChange[];

  @Field(() => Int, { description: "The ticket's version this preview saw: pass it to `applyMacro` as `expectedVersion`." })
  ticketVersion!: number;

  @Field(() => Boolean, { description: "Whether applying it now would succeed (a trial run that was rolled back)." })
  applicable!: boolean;

  @Field(() => String, { nullable: true, description: "When not applicable: the error code applying would answer (INVALID_TRANSITION, FORBIDDEN, ...)." })
  errorCode!: string | null;

  @Field(() => String, { nullable: true, description: "When not applicable: why." })
  errorMessage!: string | null;
}

@ObjectType({ description: "A ticket after a macro was applied to it." })
export class ApplyMacroPayload {
  @Field(() => Ticket, { description: "The ticket as it is now." })
  ticket!: Ticket;

  @Field(() => Comment, { nullable: true, description: "The reply or note the macro posted, if any." })
  comment!: Comment | null;

  @Field(() => [MacroChange], { description: "What changed, in order." })
  changes!: MacroChange[];
}
