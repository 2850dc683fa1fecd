import { Entity, Index, ManyToOne, Unique, type Ref } from "@mikro-orm/core";
import { BaseEntity } from "../../db/base.entity.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { User } from "../users/user.entity.js";

/**
 * Someone following a ticket: mailed about its public replies and status changes (staff also
 * about internal notes). The unique pair makes watching idempotent under concurrent clicks.
 */
@Entity({ tableName: "ticket_watchers" })
@Unique({ name: "ticket_watchers_pair_unique", properties: ["ticket", "user"] })
@Index({ name: "ticket_watchers_user_index", properties: ["user", "createdAt"] })
export class TicketWatcher extends BaseEntity {
  @ManyToOne(() => Ticket, { ref: true, deleteRule: "cascade" })
  ticket!: Ref<Ticket>;

  @ManyToOne(() => User, { ref: true, deleteRule: "cascade" })
  user!: Ref<User>;

  /** Who added them (themselves, another agent, or the author of a comment that mentioned them). */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: "set null" })
  addedBy: Ref<User> | null = null;
}
