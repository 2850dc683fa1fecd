import { Entity, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { Field, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { User } from "../users/user.entity.js";

/** At most this many addresses are copied on one ticket: a CC list, not a mailing list. */
export const CC_MAX = 10;

/**
 * An email address copied on a ticket's public replies (never on internal notes), in the
 * ticket's mail thread like the requester. Addresses need no account.
 */
@ObjectType({ description: "An email address copied on a ticket's public replies." })
@Entity({ tableName: "ticket_ccs" })
@Unique({ name: "ticket_ccs_pair_unique", properties: ["ticket", "email"] })
export class TicketCc extends BaseEntity {
  @ManyToOne(() => Ticket, { ref: true, deleteRule: "cascade" })
  ticket!: Ref<Ticket>;

  @Field(() => String, { description: "The copied address, lower-cased." })
  @Property({ type: "string", length: 254 })
  email!: string;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: "set null" })
  addedBy: Ref<User> | null = null;
}
