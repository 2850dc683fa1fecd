import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { WebhookDelivery } from "./webhook-delivery.entity.js";
import { Webhook } from "./webhook.entity.js";
import type { WebhookWithSecret } from "./webhook.service.js";
import { CreateWebhookInput, UpdateWebhookInput, WebhookDeliveryConnection, WebhookDeliveryFilter, WebhookSecretPayload } from "./webhook.types.js";

@Resolver(() => Webhook)
export class WebhookResolver {
  @Query(() => [Webhook], { description: "Every webhook, oldest first. Admins (API tokens: the webhooks scope)." })
  webhooks(@Ctx() ctx: Context): Promise<Webhook[]> {
    return ctx.services.webhooks.list(ctx);
  }

  @Query(() => WebhookDeliveryConnection, { description: "A webhook's delivery log, newest first, with each delivery's last attempt." })
  webhookDeliveries(
    @Arg("webhookId", () => ID, { description: "The webhook." }) webhookId: string,
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => WebhookDeliveryFilter, { nullable: true, description: "Narrows the log." }) filter: WebhookDeliveryFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<WebhookDelivery>> {
    return ctx.services.webhooks.deliveries(ctx, webhookId, filter, page);
  }

  @Mutation(() => WebhookSecretPayload, { description: "Creates a webhook; it receives the matching events committed from now on. Returns its signing secret, once." })
  createWebhook(@Arg("input", () => CreateWebhookInput, { description: "The endpoint and the events it wants." }) input: CreateWebhookInput, @Ctx() ctx: Context): Promise<WebhookWithSecret> {
    return ctx.services.webhooks.create(ctx, input);
  }

  @Mutation(() => Webhook, { description: "Changes a webhook's URL, events or description, or disables and enables it." })
  updateWebhook(
    @Arg("id", () => ID, { description: "The webhook." }) id: string,
    @Arg("input", () => UpdateWebhookInput, { description: "What changes." }) input: UpdateWebhookInput,
    @Ctx() ctx: Context,
  ): Promise<Webhook> {
    return ctx.services.webhooks.update(ctx, id, input);
  }

  @Mutation(() => ID, { description: "Deletes a webhook and its delivery log. Returns its id." })
  deleteWebhook(@Arg("id", () => ID, { description: "The webhook." }) id: string, @Ctx() ctx: Context): Promise<string> {
    return ctx.services.webhooks.delete(ctx, id);
  }

  @Mutation(() => WebhookSecretPayload, {
    description: "Gives a webhook a new signing secret, returned once. The old one signs too (a second `v1,` signature) for WEBHOOK_SECRET_GRACE_HOURS, so the receiver can switch without losing deliveries.",
  })
  rotateWebhookSecret(@Arg("id", () => ID, { description: "The webhook." }) id: string, @Ctx() ctx: Context): Promise<WebhookWithSecret> {
    return ctx.services.webhooks.rotateSecret(ctx, id);
  }

  @Mutation(() => WebhookDelivery, { description: "Sends the webhook a signed `webhook.ping` event now; its delivery shows the outcome." })
  pingWebhook(@Arg("id", () => ID, { description: "The webhook." }) id: string, @Ctx() ctx: Context): Promise<WebhookDelivery> {
    return ctx.services.webhooks.ping(ctx, id);
  }

  @Mutation(() => WebhookDelivery, { description: "Attempts a delivery again now, with the same webhook-id and body, whatever its state." })
  redeliverWebhookDelivery(@Arg("id", () => ID, { description: "The delivery." }) id: string, @Ctx() ctx: Context): Promise<WebhookDelivery> {
    return ctx.services.webhooks.redeliver(ctx, id);
  }

  @FieldResolver(() => User, { nullable: true, description: "The admin who created it." })
  createdBy(@Root() webhook: Webhook, @Ctx() ctx: Context): User | Promise<User | null> | null {
    return ctx.loaders.get(usersById).user(webhook.createdBy.id);
  }
}
