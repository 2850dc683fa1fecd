import { UniqueConstraintViolationException, type EntityManager, type FilterQuery } from "@mikro-orm/core";
import type { AppConfig } from "../../config.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { BadUserInputError, ConflictError, NotFoundError } from "../../core/errors.js";
import type { Role } from "../../core/identity.js";
import type { PageRequest } from "../../core/paging.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { paginate } from "../../db/pagination.js";
import { normaliseDisplayName, normaliseEmail } from "../auth/credentials.validation.js";
import { hashOpaqueToken, newOpaqueToken } from "../auth/opaque-token.js";
import type { PasswordHasher } from "../auth/password.hasher.js";
import { assertPasswordAcceptable } from "../auth/password.policy.js";
import type { IssuedTokens, SessionService } from "../auth/session.service.js";
import { assertPasswordSignInAllowed } from "../auth/sso-required.js";
import { enqueueMail } from "../mail/outbox.js";
import { User } from "../users/user.entity.js";
import { Invitation } from "./invitation.entity.js";
import { aboutInvitation } from "./invitation.events.js";
import { invitationMail } from "./invitation.mail.js";
import { InvitationStatus } from "./invitation.status.js";

/** Tells people and secret scanners what a leaked link is for. */
export const INVITATION_TOKEN_PREFIX = "hd_iv_";

type Problem = "INVALID" | "ACCEPTED" | "REVOKED" | "EXPIRED";
const PROBLEMS: Record<Problem, string> = {
  INVALID: "This invitation link is not valid. Check that it was copied completely, or ask for a new invitation.",
  ACCEPTED: "This invitation was already accepted. Sign in instead.",
  REVOKED: "This invitation was withdrawn. Ask an administrator for a new one.",
  EXPIRED: "This invitation has expired. Ask an administrator to send it again.",
};
const linkProblem = (problem: Problem) => new BadUserInputError(PROBLEMS[problem], "token", { reason: problem });

export interface InvitationFilter {
  status?: InvitationStatus | null;
}

/**
 * Invitations by admins: invite an address with a role, re-send, revoke; the invitee accepts with
 * a name and a password (signed in at once) or by signing in with single sign-on (sso module).
 */
export class InvitationService {
  constructor(
    private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly events: DomainEvents,
  ) {}

  list(scope: RequestScope, filter: InvitationFilter | undefined, page: PageRequest) {
    const now = scope.clock.now();
    const open = { acceptedAt: null, revokedAt: null };
    const where: Record<InvitationStatus, FilterQuery<Invitation>> = {
      [InvitationStatus.PENDING]: { ...open, expiresAt: { $gt: now } },
      [InvitationStatus.EXPIRED]: { ...open, expiresAt: { $lte: now } },
      [InvitationStatus.ACCEPTED]: { acceptedAt: { $ne: null } },
      [InvitationStatus.REVOKED]: { acceptedAt: null, revokedAt: { $ne: null } },
    };
    return paginate(scope.em, Invitation, filter?.status ? where[filter.status] : {}, { field: "createdAt", direction: "DESC" }, page);
  }

  async invite(scope: RequestScope, rawEmail: string, role: Role): Promise<Invitation> {
    const admin = requireViewer(scope);
    const email = normaliseEmail(rawEmail, "email");
    const now = scope.clock.now();
    if (await scope.em.count(User, { email })) throw new ConflictError("An account with this email already exists.", { field: "email" });
    const pending = await scope.em.findOne(Invitation, { email, acceptedAt: null, revokedAt: null, expiresAt: { $gt: now } }, { fields: ["id"] });
    if (pending) throw new ConflictError("This address already has a pending invitation: send it again instead.", { field: "email", invitationId: pending.id });
    return this.events.transaction(scope, async (tx) => {
      const inviter = await tx.em.findOneOrFail(User, { id: admin.userId });
      const token = newOpaqueToken(INVITATION_TOKEN_PREFIX);
      const invitation = tx.em.create(Invitation, {
        email,
        role,
        tokenHash: hashOpaqueToken(token),
        invitedBy: inviter,
        sentAt: now,
        expiresAt: this.expiryFrom(now),
      });
      this.mail(tx.em, invitation, token, inviter.displayName, now);
      await this.events.raise(tx, { type: "invitation.created", ...aboutInvitation(invitation.id), payload: { email, role } });
      return invitation;
    });
  }

  /** A new link (the old one stops working) and a new expiry; also for an expired invitation. */
  async resend(scope: RequestScope, id: string): Promise<Invitation> {
    const admin = requireViewer(scope);
    return this.events.transaction(scope, async (tx) => {
      const invitation = await this.get(tx.em, id);
      const status = invitation.statusAt(tx.clock.now());
      if (status === InvitationStatus.ACCEPTED || status === InvitationStatus.REVOKED) {
        throw new ConflictError(`This invitation was ${status.toLowerCase()}: it cannot be sent again.`);
      }
      if (await tx.em.count(User, { email: invitation.email })) throw new ConflictError("An account with this email already exists.");
      const now = tx.clock.now();
      const inviter = await tx.em.findOneOrFail(User, { id: admin.userId });
      const token = newOpaqueToken(INVITATION_TOKEN_PREFIX);
      Object.assign(invitation, { tokenHash: hashOpaqueToken(token), sentAt: now, expiresAt: this.expiryFrom(now) });
      this.mail(tx.em, invitation, token, inviter.displayName, now);
      await this.events.raise(tx, { type: "invitation.resent", ...aboutInvitation(invitation.id), payload: { email: invitation.email } });
      return invitation;
    });
  }

  async revoke(scope: RequestScope, id: string): Promise<Invitation> {
    return this.events.transaction(scope, async (tx) => {
      const invitation = await this.get(tx.em, id);
      if (invitation.acceptedAt) throw new ConflictError("This invitation was already accepted: deactivate the account instead.");
      if (!invitation.revokedAt) {
        invitation.revokedAt = tx.clock.now();
        await this.events.raise(tx, { type: "invitation.revoked", ...aboutInvitation(invitation.id), payload: { email: invitation.email } });
      }
      return invitation;
    });
  }

  /** What the accept screen shows; BAD_USER_INPUT (reason INVALID, ACCEPTED, REVOKED, EXPIRED) for a link that no longer works. */
  async preview(scope: RequestScope, presented: string): Promise<Invitation> {
    return this.usable(scope.em, presented, scope.clock.now());
  }

  /** Creates the account with a name and a password (the policy applies) and signs it in. */
  async accept(scope: RequestScope, presented: string, rawName: string, password: string): Promise<IssuedTokens> {
    const now = scope.clock.now();
    const invitation = await this.usable(scope.em, presented, now);
    const { email, role } = invitation;
    assertPasswordSignInAllowed(this.config, email, "password");
    const displayName = normaliseDisplayName(rawName, "displayName");
    assertPasswordAcceptable(password, email, this.config.passwords, "password");
    const taken = () => new ConflictError("An account with this email already exists. Sign in instead.");
    if (await scope.em.count(User, { email })) throw taken();
    const passwordHash = await this.hasher.hash(password);
    return this.events
      .transaction(scope, async (tx) => {
        const user = tx.em.create(User, { email, displayName, passwordHash, role, emailVerified: true, lastLoginAt: now });
        await acceptInvitation(tx, this.events, invitation, user, "password");
        return this.sessions.open(tx, user);
      })
      .catch((error: unknown) => {
        throw error instanceof UniqueConstraintViolationException ? taken() : error;
      });
  }

  private async usable(em: EntityManager, presented: string, now: Date): Promise<Invitation> {
    if (!presented.startsWith(INVITATION_TOKEN_PREFIX) || presented.length > 200) throw linkProblem("INVALID");
    const invitation = await em.findOne(Invitation, { tokenHash: hashOpaqueToken(presented) });
    if (!invitation) throw linkProblem("INVALID");
    const status = invitation.statusAt(now);
    if (status !== InvitationStatus.PENDING) throw linkProblem(status);
    return invitation;
  }

  private async get(em: EntityManager, id: string): Promise<Invitation> {
    const invitation = await em.findOne(Invitation, { id });
    if (!invitation) throw new NotFoundError("Invitation", id);
    return invitation;
  }

  private expiryFrom(now: Date): Date {
    return new Date(now.getTime() + this.config.invitations.ttlDays * 86_400_000);
  }

  private mail(em: EntityManager, invitation: Invitation, token: string, inviter: string, now: Date): void {
    const link = `${this.config.publicUrl.replace(/\/$/, "")}/#/invitation/${token}`;
    const days = this.config.invitations.ttlDays;
    const content = invitationMail({ inviter, link, validFor: days === 1 ? "1 day" : `${days} days`, role: invitation.role });
    enqueueMail(em, { to: invitation.email, kind: "INVITATION", ...content }, now);
  }
}

/** The pending invitation of an address, if any (the sso module honours it when it creates the account). */
export function pendingInvitationFor(em: EntityManager, email: string, now: Date): Promise<Invitation | null> {
  return em.findOne(Invitation, { email, acceptedAt: null, revokedAt: null, expiresAt: { $gt: now } }, { orderBy: { createdAt: "DESC" } });
}

/** Marks `invitation` accepted by the new account `user`, once: a second acceptance at the same time fails. */
export async function acceptInvitation(tx: RequestScope, events: DomainEvents, invitation: Invitation, user: User, method: "password" | "sso"): Promise<void> {
  const now = tx.clock.now();
  await tx.em.flush(); // the new account's row first: the invitation points at it
  const won = await tx.em.nativeUpdate(Invitation, { id: invitation.id, acceptedAt: null, revokedAt: null }, { acceptedAt: now, user: user.id });
  if (won !== 1) throw linkProblem("ACCEPTED");
  Object.assign(invitation, { acceptedAt: now });
  await events.raise(tx, {
    type: "invitation.accepted",
    actorId: user.id,
    ...aboutInvitation(invitation.id, user.id),
    payload: { email: invitation.email, role: invitation.role, method },
  });
}
