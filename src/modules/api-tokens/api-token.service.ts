import type { AppConfig } from "../../config.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { BadUserInputError, ConflictError, NotFoundError } from "../../core/errors.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { hashOpaqueToken, newOpaqueToken } from "../auth/opaque-token.js";
import { User } from "../users/user.entity.js";
import { scopesUsableBy } from "./api-scope.js";
import type { ApiTokenAuthenticator } from "./api-token.auth.js";
import { ApiToken } from "./api-token.entity.js";
import type { CreateApiTokenInput } from "./api-token.types.js";
import { textLength } from "../../core/text.js";
import { LOCKED_READ_ONLY } from "../../core/writes.js";

/** Recognisable by secret scanners (GitHub, GitLab, trufflehog) as a DeskQL personal access token. */
export const API_TOKEN_PREFIX = "hd_pat_";
const MAX_ACTIVE_PER_USER = 50;

/** Personal API tokens: creation (secret shown once), listing and revocation by their owner. */
export class ApiTokenService {
  constructor(
    private readonly config: AppConfig["apiTokens"],
    private readonly authenticator: ApiTokenAuthenticator,
    private readonly events: DomainEvents,
  ) {}

  async create(scope: RequestScope, input: CreateApiTokenInput): Promise<{ token: string; apiToken: ApiToken }> {
    const viewer = requireViewer(scope);
    const now = scope.clock.now();
    const name = input.name.trim().replace(/\s+/g, " ");
    if (name.length < 1 || textLength(name) > 100) throw new BadUserInputError("The name must be 1 to 100 characters long.", "input.name");
    if (/[\p{Cc}\p{Cf}]/u.test(name)) throw new BadUserInputError("The name contains invisible control characters.", "input.name");
    const scopes = [...new Set(input.scopes)];
    if (!scopes.length) throw new BadUserInputError("Choose at least one scope.", "input.scopes");
    const owner = await scope.em.findOneOrFail(User, { id: viewer.userId });
    const usable = scopesUsableBy(owner.role);
    const unusable = scopes.filter((s) => !usable.includes(s));
    if (unusable.length) {
      throw new BadUserInputError(`Your role (${owner.role}) cannot use the scope(s) ${unusable.join(", ")}.`, "input.scopes", { unusable });
    }
    const expiresAt = input.expiresAt;
    if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= now.getTime() + 60_000) {
      throw new BadUserInputError("The expiry must be at least a minute in the future.", "input.expiresAt");
    }
    if (expiresAt.getTime() > now.getTime() + this.config.maxDays * 86_400_000) {
      throw new BadUserInputError(`The expiry must be at most ${this.config.maxDays} days ahead.`, "input.expiresAt");
    }

    return this.events.transaction(scope, async (tx) => {
      // The owner's row, locked: one user's token creations queue up here, so parallel requests
      // cannot all pass the name and count checks below (four "racename" tokens, 53 of 50).
      await tx.em.findOne(User, { id: viewer.userId }, LOCKED_READ_ONLY);
      const live = await tx.em.find(ApiToken, { user: viewer.userId, revokedAt: null, expiresAt: { $gt: now } }, { fields: ["name"] });
      if (live.some((t) => t.name.toLowerCase() === name.toLowerCase())) throw new ConflictError(`You already have an active token named "${name}".`, { field: "input.name" });
      if (live.length >= MAX_ACTIVE_PER_USER) throw new ConflictError(`You have ${MAX_ACTIVE_PER_USER} active tokens; revoke some first.`);
      const token = newOpaqueToken(API_TOKEN_PREFIX); // 256 random bits
      const apiToken = tx.em.create(ApiToken, {
        user: owner,
        name,
        tokenHash: hashOpaqueToken(token),
        hint: token.slice(0, API_TOKEN_PREFIX.length + 4),
        storedScopes: scopes.join(" "),
        expiresAt,
      });
      await this.events.raise(tx, { type: "api_token.created", ...ownersToken(apiToken.id, viewer.userId), payload: { name, scopes, expiresAt: expiresAt.toISOString() } });
      return { token, apiToken };
    });
  }

  /** The caller's tokens that are not revoked (expired ones included, so they can be tidied up). */
  list(scope: RequestScope): Promise<ApiToken[]> {
    const viewer = requireViewer(scope);
    return scope.em.find(ApiToken, { user: viewer.userId, revokedAt: null }, { orderBy: { createdAt: "DESC", id: "DESC" }, limit: 200 });
  }

  /** Revokes one of the caller's tokens: it stops working at once in this process (within seconds in others). */
  async revoke(scope: RequestScope, id: string): Promise<ApiToken> {
    const viewer = requireViewer(scope);
    const token = await this.events.transaction(scope, async (tx) => {
      const found = await tx.em.findOne(ApiToken, { id, user: viewer.userId });
      if (!found) throw new NotFoundError("API token", id);
      if (found.revokedAt) return found;
      found.revokedAt = tx.clock.now();
      await this.events.raise(tx, { type: "api_token.revoked", ...ownersToken(found.id, viewer.userId), payload: {} });
      return found;
    });
    this.authenticator.forgetToken(token.id);
    return token;
  }
}

/** Token events are the owner's (the actor), for admins. */
function ownersToken(tokenId: string, ownerId: string) {
  return { actorId: ownerId, target: { type: "ApiToken", id: tokenId }, refs: { userId: ownerId }, visibility: "ADMIN" as const };
}
