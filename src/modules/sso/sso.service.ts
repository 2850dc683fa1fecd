import { randomBytes } from "node:crypto";
import * as oidc from "openid-client";
import type { AppConfig } from "../../config.js";
import type { OidcProviderConfig } from "../../config.oidc.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { AppError } from "../../core/errors.js";
import type { Role } from "../../core/identity.js";
import { withEntityManager, type RequestScope } from "../../core/scope.js";
import { normaliseDisplayName } from "../auth/credentials.validation.js";
import { hashOpaqueToken, newOpaqueToken } from "../auth/opaque-token.js";
import type { PasswordHasher } from "../auth/password.hasher.js";
import type { RateLimits } from "../auth/rate-limits.js";
import type { IssuedTokens, SessionService } from "../auth/session.service.js";
import { acceptInvitation, pendingInvitationFor } from "../invitations/invitation.service.js";
import { User } from "../users/user.entity.js";
import { SsoIdentity } from "./sso-identity.entity.js";
import { SsoLoginAttempt } from "./sso-login-attempt.entity.js";
import type { OidcClients } from "./sso.providers.js";

/** How long a browser has from the redirect to the provider until the callback. */
const ATTEMPT_TTL_MS = 10 * 60_000;

export type SsoFailure =
  | "SSO_UNKNOWN_PROVIDER"
  | "SSO_UNAVAILABLE"
  | "SSO_STATE_MISMATCH"
  | "SSO_EXPIRED"
  | "SSO_PROVIDER_ERROR"
  | "SSO_NONCE_MISMATCH"
  | "SSO_INVALID_RESPONSE"
  | "SSO_EMAIL_MISSING"
  | "SSO_EMAIL_UNVERIFIED"
  | "SSO_DOMAIN_NOT_ALLOWED"
  | "SSO_ACCOUNT_DEACTIVATED"
  | "SSO_FAILED";

/** A refused single sign-on; the callback route sends the browser back to the sign-in page with `reason`. */
export class SsoSignInError extends AppError {
  constructor(
    readonly reason: SsoFailure,
    message: string,
    /** The account concerned, when the provider named one we know. */
    readonly userId: string | null = null,
  ) {
    super("UNAUTHENTICATED", message, { extensions: { reason }, logLevel: "info" });
  }
}

const fail = (reason: SsoFailure, message: string, userId: string | null = null) => new SsoSignInError(reason, message, userId);
const START_AGAIN = "The sign-in could not be matched to this browser. Start again from the sign-in page.";

interface VerifiedClaims {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
  given_name?: unknown;
  family_name?: unknown;
}

/**
 * Sign-in with OpenID Connect providers (OIDC_PROVIDERS): the authorization code flow with PKCE,
 * state and nonce, the ID token validated by openid-client. An account is found by the provider
 * identity it was linked to, else linked by a VERIFIED email (`email_verified: true`, never an
 * unverified claim), else created just in time for an allowed domain or a pending invitation.
 * The session is an ordinary one. The desk's own second factor does not apply: the provider's does.
 */
export class SsoService {
  constructor(
    private readonly config: AppConfig,
    private readonly clients: OidcClients,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly rateLimits: RateLimits,
    private readonly events: DomainEvents,
  ) {}

  redirectUri(provider: OidcProviderConfig): string {
    return `${this.config.publicUrl.replace(/\/$/, "")}/auth/oidc/${provider.id}/callback`;
  }

  /** Records the attempt and answers where to send the browser, and the secret for its cookie. */
  async start(scope: RequestScope, providerId: string): Promise<{ location: string; browserKey: string }> {
    const provider = this.provider(providerId);
    // Each start stores an attempt and the callback it leads to calls the provider: both are bounded by the per-IP sign-in limit here.
    await this.rateLimits.consume("login", scope.request.ip);
    const client = await this.client(provider);
    const now = scope.clock.now();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const browserKey = newOpaqueToken("hd_sso_");
    const em = scope.em.fork();
    em.create(SsoLoginAttempt, { browserKeyHash: hashOpaqueToken(browserKey), provider: provider.id, state, nonce, codeVerifier, expiresAt: new Date(now.getTime() + ATTEMPT_TTL_MS) });
    await em.flush();
    // Attempts nobody finished: swept by the next start, through the expiry index.
    await em.nativeDelete(SsoLoginAttempt, { expiresAt: { $lt: now } }).catch(() => undefined);
    const location = oidc.buildAuthorizationUrl(client, {
      redirect_uri: this.redirectUri(provider),
      scope: provider.scopes,
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
    });
    return { location: location.href, browserKey };
  }

  /** Finishes the attempt of `browserKey` with the provider's answer (the callback's query string) and opens a session. */
  async complete(scope: RequestScope, providerId: string, browserKey: string | undefined, query: string): Promise<IssuedTokens> {
    const provider = this.provider(providerId);
    try {
      const claims = await this.verifiedClaims(scope, provider, browserKey, query);
      return await this.signIn(scope, provider, claims);
    } catch (error) {
      if (error instanceof SsoSignInError) await this.recordFailure(scope, provider, error);
      throw error;
    }
  }

  private async verifiedClaims(scope: RequestScope, provider: OidcProviderConfig, browserKey: string | undefined, query: string): Promise<VerifiedClaims> {
    const params = new URLSearchParams(query);
    if (!browserKey || browserKey.length > 200) throw fail("SSO_STATE_MISMATCH", START_AGAIN);
    const attempt = await scope.em.findOne(SsoLoginAttempt, { browserKeyHash: hashOpaqueToken(browserKey) });
    if (!attempt || attempt.provider !== provider.id) throw fail("SSO_STATE_MISMATCH", START_AGAIN);
    // Single use: of two callbacks with one attempt, exactly one deletes it.
    if ((await scope.em.nativeDelete(SsoLoginAttempt, { id: attempt.id })) !== 1) throw fail("SSO_STATE_MISMATCH", START_AGAIN);
    if (attempt.expiresAt <= scope.clock.now()) throw fail("SSO_EXPIRED", "The sign-in took too long. Start again from the sign-in page.");
    if (params.get("state") !== attempt.state) throw fail("SSO_STATE_MISMATCH", START_AGAIN);
    const idpError = params.get("error");
    if (idpError) throw fail("SSO_PROVIDER_ERROR", `${provider.name} did not sign you in (${idpError.replace(/[^\w.-]/g, "").slice(0, 60)}).`);
    const client = await this.client(provider);
    let tokens;
    try {
      tokens = await oidc.authorizationCodeGrant(client, new URL(`${this.redirectUri(provider)}?${params.toString()}`), {
        pkceCodeVerifier: attempt.codeVerifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      if (concernsNonce(error)) {
        throw fail("SSO_NONCE_MISMATCH", "The identity provider's answer was not for this sign-in. Start again from the sign-in page.");
      }
      if (error instanceof oidc.AuthorizationResponseError) throw fail("SSO_PROVIDER_ERROR", `${provider.name} did not sign you in (${error.error}).`);
      throw fail("SSO_INVALID_RESPONSE", `${provider.name}'s answer could not be verified. Try again, or contact your administrator.`);
    }
    const claims = tokens.claims();
    if (!claims) throw fail("SSO_INVALID_RESPONSE", `${provider.name} sent no ID token.`);
    return claims as VerifiedClaims;
  }

  private async signIn(scope: RequestScope, provider: OidcProviderConfig, claims: VerifiedClaims): Promise<IssuedTokens> {
    const now = scope.clock.now();
    const identity = await scope.em.findOne(SsoIdentity, { provider: provider.id, subject: claims.sub }, { populate: ["user"] });
    let user = identity?.user.getEntity() ?? null;
    let link: "linked" | "created" | null = null;
    let invitation = null;
    let email = "";
    if (!user) {
      if (typeof claims.email !== "string" || !claims.email) throw fail("SSO_EMAIL_MISSING", `${provider.name} did not share your email address.`);
      email = claims.email.trim().toLowerCase();
      // Only an address the provider vouches for: an unverified one could be anybody's.
      if (claims.email_verified !== true) throw fail("SSO_EMAIL_UNVERIFIED", `${provider.name} has not verified your email address, so it cannot be used to sign in here.`);
      const domain = email.split("@").pop() ?? "";
      const domainAllowed = provider.allowedDomains.includes(domain);
      user = await scope.em.findOne(User, { email });
      if (user) {
        if (provider.allowedDomains.length && !domainAllowed) throw fail("SSO_DOMAIN_NOT_ALLOWED", `Addresses at ${domain} cannot sign in with ${provider.name}.`, user.id);
        link = "linked";
      } else {
        invitation = await pendingInvitationFor(scope.em, email, now);
        if (!invitation && !domainAllowed) throw fail("SSO_DOMAIN_NOT_ALLOWED", `Addresses at ${domain} cannot sign in with ${provider.name}; ask an administrator for an invitation.`);
        link = "created";
      }
    }
    if (user?.deactivatedAt) throw fail("SSO_ACCOUNT_DEACTIVATED", "This account has been deactivated. Contact your administrator.", user.id);
    // A just-in-time account has a password nobody knows; "Forgot your password?" can set one (unless SSO is required).
    const passwordHash = link === "created" ? await this.hasher.hash(randomBytes(32).toString("base64url")) : null;

    return this.events.transaction(scope, async (tx) => {
      let account: User;
      if (link === "created") {
        const role = (invitation?.role ?? provider.defaultRole) as Role;
        account = tx.em.create(User, { email, displayName: displayNameOf(claims, email), passwordHash: passwordHash!, role, emailVerified: true, lastLoginAt: now });
        tx.em.create(SsoIdentity, { provider: provider.id, subject: claims.sub, user: account, lastSignInAt: now });
        await this.events.raise(tx, { type: "sso.account_created", actorId: account.id, ...aboutUser(account.id), payload: { provider: provider.id, role } });
        if (invitation) await acceptInvitation(tx, this.events, invitation, account, "sso");
      } else {
        account = user!;
        await tx.em.nativeUpdate(User, { id: account.id }, { lastLoginAt: now, ...(link ? { emailVerified: true } : {}) });
        if (link === "linked") {
          tx.em.create(SsoIdentity, { provider: provider.id, subject: claims.sub, user: account.id, lastSignInAt: now });
          await this.events.raise(tx, { type: "sso.account_linked", actorId: account.id, ...aboutUser(account.id), payload: { provider: provider.id } });
        } else {
          await tx.em.nativeUpdate(SsoIdentity, { id: identity!.id }, { lastSignInAt: now });
        }
      }
      const opened = await this.sessions.open(tx, account);
      await this.events.raise(tx, { type: "sso.signed_in", actorId: account.id, ...aboutUser(account.id, "Session", opened.session.id), payload: { provider: provider.id } });
      return opened;
    });
  }

  /** The audit trail and the security dashboard count refusals; recording one must not hide the refusal itself. */
  private async recordFailure(scope: RequestScope, provider: OidcProviderConfig, error: SsoSignInError): Promise<void> {
    await this.events
      .transaction(withEntityManager(scope, scope.em.fork()), (tx) =>
        this.events.raise(tx, {
          type: "sso.sign_in_failed",
          actorId: null,
          ...(error.userId ? aboutUser(error.userId) : { target: { type: "Request", id: scope.request.requestId.slice(0, 64) }, visibility: "ADMIN" as const }),
          payload: { provider: provider.id, reason: error.reason },
        }),
      )
      .catch(() => undefined);
  }

  private provider(id: string): OidcProviderConfig {
    const provider = this.config.sso.providers.find((p) => p.id === id);
    if (!provider) throw fail("SSO_UNKNOWN_PROVIDER", "This sign-in option is not configured.");
    return provider;
  }

  private async client(provider: OidcProviderConfig): Promise<oidc.Configuration> {
    try {
      return await this.clients.get(provider);
    } catch {
      throw fail("SSO_UNAVAILABLE", `${provider.name} cannot be reached right now. Try again in a moment.`);
    }
  }
}

/** Whether openid-client refused the ID token for its nonce (the reason may sit in a wrapped cause). */
function concernsNonce(error: unknown): boolean {
  for (let e = error as { code?: string; message?: string; cause?: unknown; claim?: string } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.claim === "nonce" || (e.code === "OAUTH_JWT_CLAIM_COMPARISON_FAILED" && /nonce/i.test(e.message ?? ""))) return true;
  }
  return false;
}

function displayNameOf(claims: VerifiedClaims, email: string): string {
  const given = [claims.given_name, claims.family_name].filter((s): s is string => typeof s === "string").join(" ");
  for (const candidate of [claims.name, given, email.split("@")[0]]) {
    if (typeof candidate !== "string") continue;
    try {
      return normaliseDisplayName(candidate.slice(0, 100), "name");
    } catch {
      // not a usable name: try the next one
    }
  }
  return "New user";
}

function aboutUser(userId: string, targetType: "User" | "Session" = "User", targetId = userId) {
  return { target: { type: targetType, id: targetId }, refs: { userId }, visibility: "ADMIN" as const };
}
