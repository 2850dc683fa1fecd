import { Arg, Ctx, Field, InputType, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { NotificationPreferences } from "./notification-preferences.entity.js";

@InputType({ description: "Changes to the caller's email notifications; omitted settings stay as they are." })
export class NotificationPreferencesInput {
  @Field(() => Boolean, { nullable: true, description: "Email me when an agent replies publicly on a ticket I opened." })
  ticketReplies?: boolean;

  @Field(() => Boolean, { nullable: true, description: "Email me when a ticket I opened is resolved." })
  ticketResolved?: boolean;

  @Field(() => Boolean, { nullable: true, description: "Email me when the customer replies on a ticket assigned to me." })
  assignedTicketReplies?: boolean;

  @Field(() => Boolean, { nullable: true, description: "Email me about tickets I watch." })
  watchedTickets?: boolean;

  @Field(() => Boolean, { nullable: true, description: "Email me when an agent @mentions me." })
  mentions?: boolean;
}

@Resolver(() => NotificationPreferences)
export class NotificationPreferencesResolver {
  @Query(() => NotificationPreferences, { description: "The caller's ticket email settings." })
  notificationPreferences(@Ctx() ctx: Context): Promise<NotificationPreferences> {
    return ctx.services.notificationPreferences.get(ctx);
  }

  @Mutation(() => NotificationPreferences, { description: "Switches the caller's ticket emails on or off." })
  updateNotificationPreferences(
    @Arg("input", () => NotificationPreferencesInput, { description: "The settings to change." }) input: NotificationPreferencesInput,
    @Ctx() ctx: Context,
  ): Promise<NotificationPreferences> {
    return ctx.services.notificationPreferences.update(ctx, input);
  }
}
