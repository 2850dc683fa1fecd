import { Field, InputType, registerEnumType } from "type-graphql";
import { connectionType } from "../../graphql/connection.types.js";
import { InboundMail } from "./inbound-mail.entity.js";
import { InboundMailStatus } from "./inbound-mail.enums.js";

export const InboundMailConnection = connectionType(InboundMail, "InboundMail", "received email");

@InputType({ description: "Narrows the list of inbound emails that need an admin." })
export class InboundMailFilter {
  @Field(() => InboundMailStatus, { nullable: true, description: "Only this state (default: FAILED and HELD)." })
  status?: InboundMailStatus;
}

/** How a ticket or comment came in. */
export enum ContentSource {
  WEB = "WEB",
  EMAIL = "EMAIL",
}

registerEnumType(ContentSource, {
  name: "ContentSource",
  description: "How a ticket or comment came in.",
  valuesConfig: {
    WEB: { description: "Written in the web client or through the API." },
    EMAIL: { description: "Sent by email (email intake)." },
  },
});
