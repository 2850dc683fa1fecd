import type { ResultOf } from "../graphql/graphql.ts";
import type { LoginMutation } from "../graphql/auth.documents.ts";

export type SessionUser = ResultOf<typeof LoginMutation>["login"]["user"];

export interface IssuedSession {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  user: SessionUser;
}

export type RefreshOutcome =
  | { ok: true; session: IssuedSession }
  /** The server refused: no cookie, expired, revoked or reused refresh token. */
  | { ok: false; reason: "rejected"; code?: string }
  /** No answer, or one we cannot read: worth trying again shortly. */
  | { ok: false; reason: "unreachable" };

/**
 * Exchanges the HttpOnly `deskql_refresh` cookie (path /auth, never visible to scripts) for a
 * new access token. The server rotates the cookie in the same response.
 */
export async function requestRefresh(): Promise<RefreshOutcome> {
  let response: Response;
  try {
    response = await fetch("/auth/refresh", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: "{}",
    });
  } catch {
    return { ok: false, reason: "unreachable" };
  }
  const body = await response.json().catch(() => undefined);
  if (response.status === 400 || response.status === 401 || response.status === 403) {
    // The server's one error envelope: { errors: [{ message, extensions: { code } }] }.
    const code = body?.errors?.[0]?.extensions?.code;
    return { ok: false, reason: "rejected", code: typeof code === "string" ? code : undefined };
  }
  if (!response.ok || !isIssuedSession(body)) return { ok: false, reason: "unreachable" };
  return { ok: true, session: body };
}

/** Revokes the session server-side and clears the cookie; failures are not the user's problem. */
export async function requestLogout(accessToken: string | null): Promise<void> {
  try {
    await fetch("/auth/logout", {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}),
      },
      body: "{}",
      keepalive: true,
    });
  } catch {
    // Offline: the access token dies with this page and the cookie expires on its own.
  }
}

function isIssuedSession(value: unknown): value is IssuedSession {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  const user = v.user as Record<string, unknown> | null | undefined;
  return (
    typeof v.accessToken === "string" &&
    v.accessToken.length > 0 &&
    typeof v.expiresIn === "number" &&
    v.expiresIn > 0 &&
    typeof user === "object" &&
    user !== null &&
    typeof user.id === "string" &&
    typeof user.role === "string"
  );
}
