import { Field, InputType, ObjectType } from "type-graphql";
import { connectionType } from "../../graphql/connection.types.js";
import { WebhookDelivery, WebhookDeliveryStatus } from "./webhook-delivery.entity.js";
import { Webhook } from "./webhook.entity.js";

@InputType({ description: "A new webhook." })
export class CreateWebhookInput {
  @Field(() => String, { description: "Where to POST events: https (http only where the server allows it), resolving to a public address." })
  url!: string;

  @Field(() => [String], { description: "Event types to receive (1-50): \"ticket.created\", a module's events \"comment.*\", or \"*\" for all." })
  events!: string[];

  @Field(() => String, { nullable: true, description: "What it is for (at most 500 characters)." })
  description?: string;
}

@InputType({ description: "Changes to a webhook; omitted fields stay as they are." })
export class UpdateWebhookInput {
  @Field(() => String, { nullable: true, description: "A new endpoint URL (checked like a new webhook's)." })
  url?: string;

  @Field(() => [String], { nullable: true, description: "The event types to receive from now on." })
  events?: string[];

  @Field(() => String, { nullable: true, description: "A new description." })
  description?: string;

  @Field(() => Boolean, { nullable: true, description: "false stops deliveries; true resumes them, starting with the events it missed." })
  enabled?: boolean;
}

@ObjectType({ description: "A webhook with its signing secret, which is shown only this once." })
export class WebhookSecretPayload {
  @Field(() => Webhook, { description: "The webhook." })
  webhook!: Webhook;

  @Field(() => String, { description: "The signing secret (whsec_ + base64, as Standard Webhooks libraries take it). Store it now: it is not shown again." })
  secret!: string;
}

@InputType({ description: "Narrows a webhook's delivery log." })
export class WebhookDeliveryFilter {
  @Field(() => WebhookDeliveryStatus, { nullable: true, description: "Only deliveries in this state." })
  status?: WebhookDeliveryStatus;

  @Field(() => String, { nullable: true, description: "Only deliveries of this event type." })
  eventType?: string;
}

export const WebhookDeliveryConnection = connectionType(WebhookDelivery, "WebhookDelivery", "webhook delivery");
