import { Entity, OneToOne, Property, type Ref } from "@mikro-orm/core";
import { Field, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";

/** Which ticket emails a user wants. No row means the defaults: everything on. */
@ObjectType({ description: "Which ticket emails the user receives. Account and security emails cannot be switched off." })
@Entity({ tableName: "notification_preferences" })
export class NotificationPreferences extends BaseEntity<"ticketReplies" | "ticketResolved" | "assignedTicketReplies" | "watchedTickets" | "mentions"> {
  @OneToOne(() => User, { ref: true, owner: true, deleteRule: "cascade", unique: "notification_preferences_user_unique" })
  user!: Ref<User>;

  @Field(() => Boolean, { description: "Email me when an agent replies publicly on a ticket I opened." })
  @Property({ type: "boolean" })
  ticketReplies: boolean = true;

  @Field(() => Boolean, { description: "Email me when a ticket I opened is resolved." })
  @Property({ type: "boolean" })
  ticketResolved: boolean = true;

  @Field(() => Boolean, { description: "Email me when the customer replies on a ticket assigned to me." })
  @Property({ type: "boolean" })
  assignedTicketReplies: boolean = true;

  @Field(() => Boolean, { description: "Email me about tickets I watch: public replies and status changes (agents and admins: internal notes too)." })
  @Property({ type: "boolean" })
  watchedTickets: boolean = true;

  @Field(() => Boolean, { description: "Email me when an agent @mentions me in a ticket comment (agents and admins)." })
  @Property({ type: "boolean" })
  mentions: boolean = true;
}

export type NotificationSetting = "ticketReplies" | "ticketResolved" | "assignedTicketReplies" | "watchedTickets" | "mentions";
