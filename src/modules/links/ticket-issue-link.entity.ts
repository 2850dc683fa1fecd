import { Entity, Index, ManyToOne, Unique, type Ref } from "@mikro-orm/core";
import { BaseEntity } from "../../db/base.entity.js";
import { Issue } from "../issues/issue.entity.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { User } from "../users/user.entity.js";

/**
 * A ticket linked to the issue that tracks its underlying engineering work (many to many).
 * The unique pair makes linking idempotent even when two agents link the same pair at once.
 */
@Entity({ tableName: "ticket_issue_links" })
@Unique({ name: "ticket_issue_links_pair_unique", properties: ["ticket", "issue"] })
@Index({ name: "ticket_issue_links_issue_index", properties: ["issue", "createdAt"] })
export class TicketIssueLink extends BaseEntity {
  @ManyToOne(() => Ticket, { ref: true, deleteRule: "cascade" })
  ticket!: Ref<Ticket>;

  @ManyToOne(() => Issue, { ref: true, deleteRule: "cascade" })
  issue!: Ref<Issue>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: "set null" })
  linkedBy: Ref<User> | null = null;
}
