import { Field, InputType, Int, ObjectType } from "type-graphql";
import { SortDirection } from "../../graphql/sort-direction.js";
import { TicketFilter, TicketOrder, TicketOrderField } from "../tickets/ticket.types.js";

@InputType({ description: "A new saved view." })
export class CreateSavedViewInput {
  @Field(() => String, { description: "Its name (1-60 characters, unique among your views, or among shared views)." })
  name!: string;

  @Field(() => TicketFilter, { nullable: true, description: "The ticket list filter, exactly as `tickets(filter:)` takes it; omitted: every ticket you can see." })
  filter?: TicketFilter | null;

  @Field(() => TicketOrder, { nullable: true, description: "The sort, as `tickets(orderBy:)` takes it; omitted: newest first." })
  orderBy?: TicketOrder | null;

  @Field(() => Boolean, { nullable: true, description: "true: shared with every agent and admin (admins only). Default false: yours alone." })
  shared?: boolean | null;
}

@InputType({ description: "Changes to a saved view; omitted fields stay as they are." })
export class UpdateSavedViewInput {
  @Field(() => String, { nullable: true, description: "New name (1-60 characters)." })
  name?: string | null;

  @Field(() => TicketFilter, { nullable: true, description: "The new filter, replacing the old one whole." })
  filter?: TicketFilter | null;

  @Field(() => TicketOrder, { nullable: true, description: "The new sort." })
  orderBy?: TicketOrder | null;

  @Field(() => Boolean, { nullable: true, description: "Share it with every agent and admin, or make it personal again (admins only; a shared view stays its creator's when unshared)." })
  shared?: boolean | null;

  @Field(() => Int, { nullable: true, description: "New position among its group (shared views, or your own); 0 or more." })
  position?: number | null;
}

@ObjectType({ description: "How a saved view sorts its tickets." })
export class SavedViewOrder {
  @Field(() => TicketOrderField, { description: "What it sorts by." })
  field!: TicketOrderField;

  @Field(() => SortDirection, { description: "Ascending or descending." })
  direction!: SortDirection;
}
