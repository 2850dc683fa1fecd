import { registerEnumType } from "type-graphql";

export enum InvitationStatus {
  PENDING = "PENDING",
  ACCEPTED = "ACCEPTED",
  REVOKED = "REVOKED",
  EXPIRED = "EXPIRED",
}

registerEnumType(InvitationStatus, {
  name: "InvitationStatus",
  description: "Where an invitation stands.",
  valuesConfig: {
    PENDING: { description: "Sent and not yet accepted; the link works until it expires." },
    ACCEPTED: { description: "The invitee set a password or signed in with single sign-on." },
    REVOKED: { description: "An admin revoked it; the link no longer works." },
    EXPIRED: { description: "The link expired before it was accepted; it can be re-sent." },
  },
});
