import { registerEnumType } from "type-graphql";

/** What became of a received email. */
export enum InboundMailStatus {
  PROCESSED = "PROCESSED",
  IGNORED = "IGNORED",
  REJECTED = "REJECTED",
  HELD = "HELD",
  FAILED = "FAILED",
}

registerEnumType(InboundMailStatus, {
  name: "InboundMailStatus",
  description: "What became of a received email.",
  valuesConfig: {
    PROCESSED: { description: "It opened a ticket or became a comment." },
    IGNORED: { description: "An auto-reply, a bounce or one of our own mails: nothing was written." },
    REJECTED: { description: "Refused by a setting (unknown sender, staff sender, reply to a closed ticket)." },
    HELD: { description: "A reply from someone who is not on the ticket, kept for an agent (INTAKE_OTHER_REPLIES=hold)." },
    FAILED: { description: "Could not be processed; kept with the reason and retried with `retryInboundMail`." },
  },
});
