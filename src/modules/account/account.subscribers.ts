import type { DomainEvents } from "../../core/events/domain-events.js";
import { User } from "../users/user.entity.js";
import { registrationAttemptMail } from "../mail/account-mail.templates.js";
import { enqueueMail } from "../mail/outbox.js";
import type { AccountEmailLimits } from "./account.rate-limits.js";
import type { EmailVerificationService } from "./email-verification.service.js";

/** A new account gets the link that proves its address, in the transaction that created it. */
export function subscribeVerificationToRegistrations(events: DomainEvents, verification: EmailVerificationService): void {
  events.subscribe("user.registered", async (tx, event) => {
    const user = await tx.em.findOneOrFail(User, { id: event.target.id });
    await verification.sendToNewAccount(tx, user);
  });
}

/**
 * The owner of an address someone tried to register again hears of it, within the address's
 * hourly mail budget (a flood of attempts must not become a flood of mail).
 */
export function subscribeOwnersToRegistrationAttempts(events: DomainEvents, limits: AccountEmailLimits, publicUrl: string): void {
  events.subscribe("user.registration_attempted", async (tx, event) => {
    const user = await tx.em.findOne(User, { id: event.target.id });
    if (!user || user.deactivatedAt || !(await limits.allow("verification", user.email))) return;
    const signInLink = `${publicUrl.replace(/\/$/, "")}/#/signin`;
    const now = tx.clock.now();
    enqueueMail(tx.em, { to: user.email, kind: "REGISTRATION_ATTEMPT", ...registrationAttemptMail({ displayName: user.displayName, signInLink, at: now }) }, now);
  });
}
