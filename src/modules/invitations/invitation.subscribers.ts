import type { DomainEvents } from "../../core/events/domain-events.js";
import { enqueueMail } from "../mail/outbox.js";
import { User } from "../users/user.entity.js";
import { reactivatedMail } from "./invitation.mail.js";

/** A reactivated account's owner hears of it, in the transaction of the reactivation. */
export function subscribeReactivationMail(events: DomainEvents, publicUrl: string): void {
  events.subscribe("user.reactivated", async (tx, event) => {
    const user = await tx.em.findOneOrFail(User, { id: event.target.id });
    const now = tx.clock.now();
    const signInLink = `${publicUrl.replace(/\/$/, "")}/#/signin`;
    enqueueMail(tx.em, { to: user.email, kind: "ACCOUNT_REACTIVATED", ...reactivatedMail({ displayName: user.displayName, signInLink }) }, now);
  });
}
