import { startAuthentication } from "@simplewebauthn/browser";
import { ApiError } from "../../lib/api/api-error.ts";
import { executeGraphQL } from "../../lib/api/graphql-http.ts";
import { auth } from "../../lib/auth/auth.svelte.ts";
import { StartPasskeySignInMutation } from "../../lib/graphql/mfa.documents.ts";

/** A sign-in waiting for its second step (MFA_REQUIRED) or for an enrolment its role demands (MFA_ENROLMENT_REQUIRED). */
export interface PendingSignIn {
  kind: "MFA_REQUIRED" | "MFA_ENROLMENT_REQUIRED";
  challengeToken: string;
  methods: string[];
  expiresAt: string;
  /** Where to go once signed in (the sign-in page's `?next=`). */
  next: string | null;
}

/** Held in memory only: a reload starts the sign-in again, as the challenge is short-lived anyway. */
export const pendingSignIn = $state<{ current: PendingSignIn | null }>({ current: null });

/** The pending step an error of the first step asks for, or null for any other error. */
export function pendingFrom(error: unknown, next: string | null): PendingSignIn | null {
  if (!(error instanceof ApiError)) return null;
  const entry = error.errors.find((e) => e.extensions?.code === "MFA_REQUIRED" || e.extensions?.code === "MFA_ENROLMENT_REQUIRED");
  const ext = entry?.extensions;
  if (!ext || typeof ext.challengeToken !== "string") return null;
  return {
    kind: ext.code as PendingSignIn["kind"],
    challengeToken: ext.challengeToken,
    methods: Array.isArray(ext.methods) ? (ext.methods as string[]) : [],
    expiresAt: String(ext.expiresAt ?? ""),
    next,
  };
}

/** The route of a pending step. */
export const pendingRoute = (pending: PendingSignIn): string => (pending.kind === "MFA_REQUIRED" ? "/signin/second-step" : "/signin/enrol");

/**
 * Signs in with a passkey: the browser asks the authenticator (which may show its own prompt),
 * and the signed answer completes the sign-in. With a challenge token it answers that sign-in's
 * second step; without, it is a passwordless sign-in with a discoverable passkey.
 */
export async function signInWithPasskey(challengeToken?: string): Promise<void> {
  const started = (await executeGraphQL(StartPasskeySignInMutation, { challengeToken: challengeToken ?? null })).startPasskeySignIn;
  const response = await startAuthentication({ optionsJSON: JSON.parse(started.optionsJson) });
  await auth.completeSignIn({ challengeToken: started.challengeToken, passkeyResponse: JSON.stringify(response) });
}

/** What to say when the browser's passkey prompt ends without an answer. */
export function passkeyProblem(error: unknown): string | null {
  if (error instanceof Error && (error.name === "NotAllowedError" || error.name === "AbortError")) {
    return "The passkey prompt was closed or timed out. Try again, or use another way to sign in.";
  }
  return null;
}
