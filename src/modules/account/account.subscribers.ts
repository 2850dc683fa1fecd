import type { DomainEvents } from "../../core/events/domain-events.js";
import { User } from "../users/user.entity.js";
import type { EmailVerificationService } from "./email-verification.service.js";

/** A new account gets the link that proves its address, in the transaction that created it. */
export function subscribeVerificationToRegistrations(events: DomainEvents, verification: EmailVerificationService): void {
  events.subscribe("user.registered", async (tx, event) => {
    const user = await tx.em.findOneOrFail(User, { id: event.target.id });
    await verification.sendToNewAccount(tx, user);
  });
}
