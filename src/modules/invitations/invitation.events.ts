/** Invitations, by the inviting admin (accepted: by the invitee). ADMIN visibility, refs.userId the account once there is one. */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** An admin invited an address with a role (target: the Invitation). The link is in the mail only. */
    "invitation.created": { email: string; role: string };
    /** An admin re-sent an invitation with a new link; the older link stopped working (target: the Invitation). */
    "invitation.resent": { email: string };
    /** An admin revoked an invitation (target: the Invitation). */
    "invitation.revoked": { email: string };
    /** The invitee accepted and their account was created (target: the Invitation; actor: the new account). */
    "invitation.accepted": { email: string; role: string; method: "password" | "sso" };
  }
}

/** Where an invitation event points. */
export function aboutInvitation(invitationId: string, userId: string | null = null) {
  return { target: { type: "Invitation", id: invitationId }, refs: { userId }, visibility: "ADMIN" as const };
}
