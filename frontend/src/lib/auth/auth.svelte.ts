import { executeGraphQL } from "../api/graphql-http.ts";
import { LoginMutation, RegisterMutation, SignInWithLinkMutation } from "../graphql/auth.documents.ts";
import { AcceptInvitationMutation } from "../graphql/invitations.documents.ts";
import { CompleteSignInMutation } from "../graphql/mfa.documents.ts";
import { requestLogout, requestRefresh, type IssuedSession, type SessionUser } from "./auth-http.ts";

export type { SessionUser };
export type AuthStatus = "restoring" | "signed-in" | "signed-out";

/** Refresh this long before expiry (or a fifth of the lifetime, for short-lived tokens). */
const REFRESH_LEAD_MS = 60_000;
/** After a refresh that got no answer, try again this soon while the token is still valid. */
const RETRY_UNREACHABLE_MS = 15_000;

const SESSION_ENDED = "Your session has ended. Please sign in again.";
const SESSION_UNREACHABLE = "We could not reach the server to keep you signed in. Please sign in again.";
const LOCK_NAME = "deskql-refresh";
const CHANNEL_NAME = "deskql-auth";

type RefreshResult = { ok: true } | { ok: false; reason: "rejected" | "unreachable" };
type TabMessage = { type: "signed-out" } | { type: "signed-in" };

export interface AuthClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: AuthClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The signed-in session. The access token is held in this object only (never in storage,
 * where any injected script could read it); the refresh token is an HttpOnly cookie that
 * only `/auth/*` requests carry, so a page reload restores the session with one refresh.
 */
export class AuthStore {
  status = $state<AuthStatus>("restoring");
  user = $state.raw<SessionUser | null>(null);
  /** Why the user is looking at the sign-in page, e.g. an expired session. */
  notice = $state<string | null>(null);

  #accessToken: string | null = null;
  #expiresAt = 0;
  #timer: unknown = undefined;
  #inFlight: Promise<RefreshResult> | null = null;
  #channel: BroadcastChannel | null = null;
  #clock: AuthClock;

  constructor(clock: AuthClock = realClock) {
    this.#clock = clock;
  }

  get accessToken(): string | null {
    return this.#accessToken;
  }

  /** Whether the token in memory has expired (a sleeping laptop skips timers). */
  get tokenExpired(): boolean {
    return this.#accessToken !== null && this.#clock.now() >= this.#expiresAt;
  }

  get isStaff(): boolean {
    return this.user?.role === "AGENT" || this.user?.role === "ADMIN";
  }

  get isAdmin(): boolean {
    return this.user?.role === "ADMIN";
  }

  /** Called once at start-up: restores a session from the refresh cookie, if there is one. */
  async start(): Promise<void> {
    this.#listenToOtherTabs();
    if (typeof document !== "undefined") {
      document.addEventListener("visibilitychange", this.#onVisible);
    }
    const outcome = await this.#refreshOnce();
    if (outcome.ok) return;
    this.status = "signed-out";
    if (outcome.reason === "unreachable") {
      this.notice = "Cannot reach the DeskQL server. Check your connection and reload the page.";
    }
  }

  /** Stops timers and listeners; for tests and hot reload. */
  stop(): void {
    this.#clearTimer();
    this.#channel?.close();
    this.#channel = null;
    if (typeof document !== "undefined") document.removeEventListener("visibilitychange", this.#onVisible);
  }

  async signIn(email: string, password: string): Promise<void> {
    const data = await executeGraphQL(
      LoginMutation,
      { input: { email, password } },
      // Asks the server to set the refresh token as an HttpOnly cookie, not in the body.
      { headers: { "X-Refresh-Cookie": "1" } },
    );
    this.#accept(data.login);
    this.#broadcast({ type: "signed-in" });
  }

  async signUp(email: string, password: string, displayName: string): Promise<void> {
    const data = await executeGraphQL(
      RegisterMutation,
      { input: { email, password, displayName } },
      { headers: { "X-Refresh-Cookie": "1" } },
    );
    this.#accept(data.register);
    this.#broadcast({ type: "signed-in" });
  }

  /** Signs in with the token of an emailed sign-in link; the session is set up as for a password sign-in. */
  async signInWithLink(token: string): Promise<void> {
    const data = await executeGraphQL(SignInWithLinkMutation, { token }, { headers: { "X-Refresh-Cookie": "1" } });
    this.#accept(data.signInWithLink);
    this.#broadcast({ type: "signed-in" });
  }

  /** Accepts an emailed invitation with a name and password: the new account is signed in as after a password sign-in. */
  async acceptInvitation(token: string, displayName: string, password: string): Promise<void> {
    const data = await executeGraphQL(AcceptInvitationMutation, { input: { token, displayName, password } }, { headers: { "X-Refresh-Cookie": "1" } });
    this.#accept(data.acceptInvitation);
    this.#broadcast({ type: "signed-in" });
  }

  /** The second step of a sign-in that answered MFA_REQUIRED (or a passwordless passkey sign-in): sets up the session. */
  async completeSignIn(input: { challengeToken: string; code?: string; recoveryCode?: string; passkeyResponse?: string }): Promise<void> {
    const data = await executeGraphQL(CompleteSignInMutation, { input }, { headers: { "X-Refresh-Cookie": "1" } });
    this.#accept(data.completeSignIn);
    this.#broadcast({ type: "signed-in" });
  }

  /** A session another flow obtained (an enrolment that completed a sign-in), requested with X-Refresh-Cookie. */
  acceptSession(session: IssuedSession): void {
    this.#accept(session);
    this.#broadcast({ type: "signed-in" });
  }

  async signOut(): Promise<void> {
    const token = this.#accessToken;
    this.#clear(null);
    this.#broadcast({ type: "signed-out" });
    await requestLogout(token);
  }

  /**
   * Gets a new access token now. Concurrent callers share one request, so a burst of
   * UNAUTHENTICATED responses costs one refresh. Resolves false when the session is over,
   * in which case the user has been sent back to sign-in with a message.
   */
  async refresh(): Promise<boolean> {
    const outcome = await this.#refreshOnce();
    if (outcome.ok) return true;
    if (outcome.reason === "unreachable" && this.#accessToken && !this.tokenExpired) {
      this.#schedule(RETRY_UNREACHABLE_MS);
      return false;
    }
    if (this.status !== "signed-out") this.#clear(outcome.reason === "rejected" ? SESSION_ENDED : SESSION_UNREACHABLE);
    return false;
  }

  /** Ends the session locally with a message, e.g. after the server revoked it. */
  expire(message: string = SESSION_ENDED): void {
    this.#clear(message);
  }

  dismissNotice(): void {
    this.notice = null;
  }

  #refreshOnce(): Promise<RefreshResult> {
    this.#inFlight ??= withTabLock(requestRefresh)
      .then((outcome): RefreshResult => {
        if (!outcome.ok) return { ok: false, reason: outcome.reason };
        this.#accept(outcome.session);
        return { ok: true };
      })
      .finally(() => (this.#inFlight = null));
    return this.#inFlight;
  }

  #accept(session: IssuedSession): void {
    this.#accessToken = session.accessToken;
    const ttl = session.expiresIn * 1000;
    this.#expiresAt = this.#clock.now() + ttl;
    this.user = { id: session.user.id, email: session.user.email, displayName: session.user.displayName, role: session.user.role };
    this.status = "signed-in";
    this.notice = null;
    this.#schedule(Math.max(1_000, ttl - Math.min(REFRESH_LEAD_MS, ttl / 5)));
  }

  #clear(notice: string | null): void {
    this.#clearTimer();
    this.#accessToken = null;
    this.#expiresAt = 0;
    this.user = null;
    this.status = "signed-out";
    this.notice = notice;
  }

  #schedule(delayMs: number): void {
    this.#clearTimer();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.refresh();
    }, delayMs);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #onVisible = (): void => {
    if (document.visibilityState === "visible" && this.status === "signed-in" && this.#clock.now() >= this.#expiresAt - REFRESH_LEAD_MS) {
      void this.refresh();
    }
  };

  #listenToOtherTabs(): void {
    if (typeof BroadcastChannel === "undefined" || this.#channel) return;
    this.#channel = new BroadcastChannel(CHANNEL_NAME);
    this.#channel.onmessage = (event: MessageEvent<TabMessage>) => {
      if (event.data?.type === "signed-out" && this.status === "signed-in") {
        this.#clear("You signed out in another tab.");
      } else if (event.data?.type === "signed-in" && this.status === "signed-out") {
        void this.#refreshOnce();
      }
    };
  }

  #broadcast(message: TabMessage): void {
    this.#channel?.postMessage(message);
  }
}

/**
 * Refresh tokens are single-use and a reused one revokes the whole session, so two tabs
 * must never refresh at once with the same cookie: the Web Locks API serialises them.
 */
function withTabLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  return locks ? (locks.request(LOCK_NAME, fn) as Promise<T>) : fn();
}

export const auth = new AuthStore();
