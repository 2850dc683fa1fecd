import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Priority } from "../../graphql/priority.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { TicketStatus } from "../tickets/ticket.enums.js";
import { BULK_MAX, BulkRefusal } from "./bulk.plan.js";

registerEnumType(BulkRefusal, {
  name: "BulkRefusal",
  description: "Why a bulk change leaves one ticket out.",
  valuesConfig: {
    NOT_FOUND: { description: "No ticket has this id (or the viewer may not see it)." },
    FORBIDDEN: { description: "The change is not allowed on this ticket (e.g. it is closed)." },
    INVALID_TRANSITION: { description: "The ticket cannot move from its status to the one asked for." },
  },
});

@InputType({ description: "A comment written on every ticket of a bulk change, as its author (the viewer)." })
export class BulkCommentInput {
  @Field(() => String, { description: "The comment, as Markdown (1-20,000 characters)." })
  body!: string;

  @Field(() => Boolean, { nullable: true, description: "An internal note (staff only) instead of a public reply; default false." })
  internal?: boolean | null;
}

@InputType({ description: "What a bulk change does to each ticket; omitted fields stay as they are. At least one field." })
export class BulkTicketChangesInput {
  @Field(() => TicketStatus, { nullable: true, description: "The status to move every ticket to, along the life cycle (see `allowedTransitions`)." })
  status?: TicketStatus | null;

  @Field(() => String, { nullable: true, description: "Why, in one line (up to 500 characters), kept in each ticket's timeline with the status change." })
  reason?: string | null;

  @Field(() => Priority, { nullable: true, description: "The priority to give every ticket (its SLA deadlines follow)." })
  priority?: Priority | null;

  @Field(() => ID, { nullable: true, description: "The active agent or admin to assign every ticket to; an explicit null unassigns them, omitted leaves them as they are." })
  assigneeId?: string | null;

  @Field(() => BulkCommentInput, { nullable: true, description: "A comment (public reply or internal note) written on every ticket, before the other changes." })
  comment?: BulkCommentInput | null;

  @Field(() => [String], { nullable: true, description: "Tags to add to every ticket (in TAGS_MODE=curated, existing tags only unless the viewer is an admin)." })
  addTags?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Tags to remove from every ticket." })
  removeTags?: string[] | null;
}

@InputType({ description: "The tickets a bulk change would touch, and the change." })
export class PreviewBulkTicketChangeInput {
  @Field(() => [ID], { description: `The tickets, by id (1-${BULK_MAX}, no repeats).` })
  ticketIds!: string[];

  @Field(() => BulkTicketChangesInput, { description: "What to change." })
  changes!: BulkTicketChangesInput;
}

@InputType({ description: "A ticket and the version a preview saw of it." })
export class TicketVersionInput {
  @Field(() => ID, { description: "The ticket." })
  ticketId!: string;

  @Field(() => Int, { description: "Its version as the preview saw it (`BulkTicketPreview.expectedVersions`)." })
  version!: number;
}

@InputType({ description: "A bulk change to commit, pinned to the versions its preview saw." })
export class ApplyBulkTicketChangeInput {
  @Field(() => BulkTicketChangesInput, { description: "What to change (as previewed)." })
  changes!: BulkTicketChangesInput;

  @Field(() => [TicketVersionInput], {
    description: `Every ticket to change (1-${BULK_MAX}) with the version its preview saw: if any changed since, nothing is changed (CONFLICT naming them in \`staleTicketIds\`).`,
  })
  expectedVersions!: TicketVersionInput[];
}

@ObjectType({ description: "A ticket and its version." })
export class TicketVersion {
  @Field(() => ID, { description: "The ticket." })
  ticketId!: string;

  @Field(() => Int, { description: "Its version." })
  version!: number;
}

@ObjectType({ description: "One field a bulk change would change on one ticket." })
export class BulkFieldChange {
  @Field(() => String, { description: 'Which: "status", "priority", "assignee" (user ids), "comment" ("public reply" or "internal note") or "tags" (from: "-name, ..." removed, to: "+name, ..." added, as asked).' })
  field!: string;

  @Field(() => String, { nullable: true, description: "Its value now; null when empty." })
  from!: string | null;

  @Field(() => String, { nullable: true, description: "Its value after the change; null when emptied." })
  to!: string | null;
}

@ObjectType({ description: "What a bulk change would do to one ticket, or why it would leave it out." })
export class BulkTicketOutcome {
  @Field(() => ID, { description: "The ticket id as asked." })
  ticketId!: string;

  @Field(() => Ticket, { nullable: true, description: "The ticket as the preview saw it; null when not found." })
  ticket!: Ticket | null;

  @Field(() => Boolean, { description: "Whether the change is allowed on this ticket." })
  allowed!: boolean;

  @Field(() => BulkRefusal, { nullable: true, description: "Why not, when not allowed." })
  refusal!: BulkRefusal | null;

  @Field(() => String, { nullable: true, description: "The refusal in words, when not allowed." })
  reason!: string | null;

  @Field(() => [BulkFieldChange], { description: "What would change (empty: allowed but already as asked)." })
  changes!: BulkFieldChange[];

  @Field(() => Int, { nullable: true, description: "The version the preview saw; null when not found." })
  version!: number | null;
}

@ObjectType({ description: "A bulk change's dry run: nothing was changed." })
export class BulkTicketPreview {
  @Field(() => [BulkTicketOutcome], { description: "Per ticket, in the order asked." })
  outcomes!: BulkTicketOutcome[];

  @Field(() => Int, { description: "How many tickets the change is allowed on." })
  allowedCount!: number;

  @Field(() => Int, { description: "How many it would leave out." })
  refusedCount!: number;

  @Field(() => [TicketVersion], { description: "The allowed tickets with the versions seen: pass them to `applyBulkTicketChange` as `expectedVersions`." })
  expectedVersions!: TicketVersion[];
}

@ObjectType({ description: "A committed bulk change." })
export class BulkTicketChangeResult {
  @Field(() => [Ticket], { description: "Every ticket of the change, as it is now, in the order given." })
  tickets!: Ticket[];

  @Field(() => Int, { description: "How many of them changed (the others already were as asked)." })
  changedCount!: number;
}

@InputType({ description: "The major-incident update: one public reply to every ticket linked to an issue, and optionally a status for all of them." })
export class PreviewLinkedTicketsUpdateInput {
  @Field(() => ID, { description: "The engineering issue whose linked tickets are told." })
  issueId!: string;

  @Field(() => String, { description: "The public update, as Markdown (1-20,000 characters), written on every linked ticket." })
  body!: string;

  @Field(() => TicketStatus, { nullable: true, description: "The status to move every linked ticket to (e.g. RESOLVED); omitted leaves them as they are." })
  status?: TicketStatus | null;

  @Field(() => String, { nullable: true, description: "Why, in one line, kept with the status change." })
  reason?: string | null;
}

@InputType({ description: "Commits a previewed major-incident update, pinned to the versions the preview saw." })
export class NotifyLinkedTicketsInput extends PreviewLinkedTicketsUpdateInput {
  @Field(() => [TicketVersionInput], {
    description: "The linked tickets to update with the versions the preview saw (its `expectedVersions`); every one must be linked to the issue. If any changed since, nothing is changed (CONFLICT).",
  })
  expectedVersions!: TicketVersionInput[];
}
