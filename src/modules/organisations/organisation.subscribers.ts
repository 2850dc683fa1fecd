import type { DomainEvents } from "../../core/events/domain-events.js";
import type { OrganisationService } from "./organisation.service.js";

/** New customers join the organisation that claims their email domain, in the transaction that created them. */
export function subscribeOrganisationsToNewAccounts(events: DomainEvents, organisations: OrganisationService): void {
  events.subscribe(["user.registered", "user.created", "sso.account_created", "invitation.accepted"], async (tx, event) => {
    const userId = event.refs.userId ?? (event.target.type === "User" ? event.target.id : null);
    if (userId) await organisations.joinByDomain(tx, userId);
  });
}
