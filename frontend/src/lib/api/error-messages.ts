import { ApiError, type GraphQLErrorEntry } from "./api-error.ts";

/**
 * Turns any failure into one sentence a person can act on. Server messages for our own error
 * codes are written for people and are used as they are; everything else (GraphQL validation,
 * masked internal errors, HTTP and network failures) gets a fixed sentence, never raw JSON.
 */
export function describeError(error: unknown, now: Date = new Date()): string {
  if (!(error instanceof ApiError)) {
    return "Something went wrong in the app. Reload the page and try again.";
  }
  if (error.kind === "network") {
    return "Cannot reach the DeskQL server. Check your connection and try again.";
  }
  if (error.kind === "http") return describeHttpStatus(error.status);
  const first = error.errors[0];
  return first ? describeGraphQLError(first, now) : "The server could not complete the request. Please try again.";
}

/** Messages for every distinct problem of a response, e.g. for a form showing several. */
export function describeErrors(error: unknown, now: Date = new Date()): string[] {
  if (!(error instanceof ApiError) || error.kind !== "graphql" || error.errors.length < 2) return [describeError(error, now)];
  return [...new Set(error.errors.map((e) => describeGraphQLError(e, now)))];
}

/** The input field an error points at (`extensions.field`, e.g. "input.email"), if any. */
export function errorField(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const field = error.errors[0]?.extensions?.field;
  return typeof field === "string" ? field : undefined;
}

export function describeGraphQLError(entry: GraphQLErrorEntry, now: Date = new Date()): string {
  const ext = entry.extensions ?? {};
  switch (ext.code) {
    case "ACCOUNT_LOCKED":
      return describeLockout(ext.lockedUntil, now);
    case "RATE_LIMITED":
      return `Too many attempts. Please wait ${formatWait(Number(ext.retryAfter))} and try again.`;
    case "UNAUTHENTICATED":
      return serverSentence(entry.message) ?? "Please sign in again to continue.";
    case "FORBIDDEN":
      // An address whose organisation signs in with single sign-on: the server says with which provider.
      if (ext.reason === "SSO_REQUIRED") return serverSentence(entry.message) ?? "Your organisation signs in with single sign-on.";
      return "You do not have permission to do that.";
    case "NOT_FOUND":
      return serverSentence(entry.message) ?? "That item does not exist or is no longer available to you.";
    case "CONFLICT":
      return serverSentence(entry.message) ?? "Someone else changed this in the meantime. Reload it and try again.";
    case "INVALID_TRANSITION":
      return describeInvalidTransition(ext.currentStatus);
    case "BAD_USER_INPUT":
      return serverSentence(entry.message) ?? "Some of the information entered is not valid. Check the form and try again.";
    case "PAYLOAD_TOO_LARGE":
      return "That is too large to send. Shorten it and try again.";
    case "QUERY_TOO_COMPLEX":
      return "That asks the server for too much at once. Narrow the filters or show fewer items.";
    case "GRAPHQL_VALIDATION_FAILED":
    case "GRAPHQL_PARSE_FAILED":
    case "BAD_REQUEST":
    case "OPERATION_RESOLUTION_FAILURE":
      return "This version of the app does not match the server. Reload the page to update it.";
    case "PERSISTED_QUERY_NOT_FOUND":
      return "The request could not be completed. Reload the page and try again.";
    case "INTERNAL_SERVER_ERROR":
    default:
      return "Something went wrong on the server. Please try again in a moment.";
  }
}

function describeHttpStatus(status: number | undefined): string {
  if (status === 401) return "Please sign in again to continue.";
  if (status === 403) return "You do not have permission to do that.";
  if (status === 404) return "The DeskQL server does not offer this. Reload the page and try again.";
  if (status === 413) return "That is too large to send. Shorten it and try again.";
  if (status === 429) return "Too many requests. Please wait a moment and try again.";
  if (status !== undefined && status >= 500) {
    return `The DeskQL server had a problem (HTTP ${status}). Please try again in a moment.`;
  }
  return "The server could not complete the request. Please try again.";
}

function describeLockout(lockedUntil: unknown, now: Date): string {
  const until = typeof lockedUntil === "string" ? new Date(lockedUntil) : null;
  if (!until || Number.isNaN(until.getTime())) {
    return "This account is locked after too many failed sign-ins. Try again later.";
  }
  const sameDay = until.toDateString() === now.toDateString();
  const when = until.toLocaleString(undefined, sameDay ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" });
  return `This account is locked after too many failed sign-ins. You can try again after ${when}.`;
}

const STATUS_WORDS: Record<string, string> = {
  OPEN: "Open",
  IN_PROGRESS: "In progress",
  WAITING_ON_CUSTOMER: "Waiting on customer",
  RESOLVED: "Resolved",
  CLOSED: "Closed",
  TODO: "To do",
  IN_REVIEW: "In review",
  DONE: "Done",
  CANCELED: "Canceled",
};

function describeInvalidTransition(current: unknown): string {
  const from = typeof current === "string" ? STATUS_WORDS[current] : undefined;
  return from
    ? `That status change is not possible from "${from}". Reload to see the current state.`
    : "That status change is not possible any more. Reload to see the current state.";
}

/** "45 seconds", "1 minute", "3 minutes": retry waits are short, so minutes at most. */
export function formatWait(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "a moment";
  const s = Math.ceil(seconds);
  if (s < 60) return s === 1 ? "1 second" : `${s} seconds`;
  const m = Math.ceil(s / 60);
  return m === 1 ? "1 minute" : `${m} minutes`;
}

/**
 * Accepts a server message only if it reads as a sentence (short, no braces or stack traces),
 * so that a misbehaving server can never put JSON or internals in front of a user.
 */
function serverSentence(message: string | undefined): string | null {
  const text = message?.trim();
  if (!text || text.length > 300 || /[{}<>]|\n|\bat \S+:\d+/.test(text)) return null;
  const sentence = text[0]!.toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
