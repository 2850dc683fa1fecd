/**
 * The domain's errors. Each carries a stable code that clients switch on, typed extensions, the
 * HTTP status a plain-HTTP route answers with, and the level it is logged at. They know nothing
 * of GraphQL or HTTP frameworks: graphql/error-formatting.ts turns them into GraphQL errors and
 * server/error-envelope.ts into JSON bodies, each in one place. Anything else is masked.
 */
export type ErrorCode =
  | "BAD_USER_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "INVALID_TRANSITION"
  | "RATE_LIMITED"
  | "ACCOUNT_LOCKED"
  | "MFA_REQUIRED"
  | "MFA_ENROLMENT_REQUIRED"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "QUERY_TOO_COMPLEX"
  | "QUERY_TOO_LARGE"
  | "BAD_REQUEST"
  | "CURSOR_EXPIRED"
  | "IDEMPOTENCY_KEY_MISMATCH"
  | "IDEMPOTENCY_KEY_IN_USE"
  | "SERVICE_UNAVAILABLE"
  | "PERSISTED_QUERY_NOT_FOUND"
  | "PERSISTED_QUERY_NOT_SUPPORTED"
  | "INTERNAL_SERVER_ERROR";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface ErrorOptions {
  /** Extensions besides `code`, sent to the client as they are. */
  extensions?: Record<string, unknown>;
  status?: number;
  logLevel?: LogLevel;
}

const STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  RATE_LIMITED: 429,
  ACCOUNT_LOCKED: 423,
  MFA_REQUIRED: 401,
  MFA_ENROLMENT_REQUIRED: 401,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  QUERY_TOO_COMPLEX: 400,
  QUERY_TOO_LARGE: 400,
  BAD_REQUEST: 400,
  CURSOR_EXPIRED: 410,
  IDEMPOTENCY_KEY_MISMATCH: 422,
  IDEMPOTENCY_KEY_IN_USE: 409,
  SERVICE_UNAVAILABLE: 503,
  PERSISTED_QUERY_NOT_FOUND: 400,
  PERSISTED_QUERY_NOT_SUPPORTED: 400,
  INTERNAL_SERVER_ERROR: 500,
};

export class AppError extends Error {
  /** What the client receives under `extensions` (always with `code`). */
  readonly extensions: Readonly<Record<string, unknown>> & { readonly code: ErrorCode };
  /** What a plain-HTTP route answers (GraphQL answers 200 for errors met while executing). */
  readonly status: number;
  readonly logLevel: LogLevel;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: ErrorOptions = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.extensions = { ...options.extensions, code };
    this.status = options.status ?? STATUS[code];
    this.logLevel = options.logLevel ?? (this.status >= 500 ? "error" : "debug");
  }
}

export class BadUserInputError extends AppError {
  /** `field` names the offending input (e.g. "input.email") so forms can point at it. */
  constructor(message: string, field?: string, extra: Record<string, unknown> = {}) {
    super("BAD_USER_INPUT", message, { extensions: { ...(field ? { field } : {}), ...extra } });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = "Authentication required: send a valid access token.", extra: Record<string, unknown> = {}) {
    super("UNAUTHENTICATED", message, { extensions: extra });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = "You are not allowed to do this.") {
    super("FORBIDDEN", message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id?: string) {
    super("NOT_FOUND", id ? `${what} "${id}" was not found.` : `${what} was not found.`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super("CONFLICT", message, { extensions: extra });
  }
}

export class InvalidTransitionError extends AppError {
  constructor(message: string, from: string, allowed: readonly string[]) {
    super("INVALID_TRANSITION", message, { extensions: { currentStatus: from, allowedTransitions: [...allowed] } });
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, message = `Too many attempts. Try again in ${retryAfterSeconds} seconds.`, extra: Record<string, unknown> = {}) {
    super("RATE_LIMITED", message, { extensions: { retryAfter: retryAfterSeconds, ...extra }, logLevel: "info" });
  }
}

export class AccountLockedError extends AppError {
  constructor(lockedUntil: Date) {
    super("ACCOUNT_LOCKED", `This account is locked after too many failed sign-ins until ${lockedUntil.toISOString()}.`, {
      extensions: { lockedUntil: lockedUntil.toISOString() },
      logLevel: "info",
    });
  }
}

/**
 * The first factor was right but no tokens follow yet: MFA_REQUIRED asks for the second factor
 * (completeSignIn), MFA_ENROLMENT_REQUIRED for an enrolment that a role policy demands. Either
 * carries a short-lived, single-use `challengeToken` bound to the account, and when it expires.
 */
export class SecondFactorRequiredError extends AppError {
  constructor(code: "MFA_REQUIRED" | "MFA_ENROLMENT_REQUIRED", message: string, extensions: { challengeToken: string; expiresAt: string; methods: string[] }) {
    super(code, message, { extensions, logLevel: "info" });
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super("PAYLOAD_TOO_LARGE", `The request body exceeds ${limitBytes} bytes.`);
  }
}

/** A cursor into a stream whose next items were deleted by its retention: resuming from it would silently skip them. */
export class CursorExpiredError extends AppError {
  constructor(argName: string, retentionDays: number) {
    super("CURSOR_EXPIRED", `"${argName}" points before the oldest event kept (events are kept ${retentionDays} days): start again without a cursor.`, {
      extensions: { field: argName, retentionDays },
      logLevel: "info",
    });
  }
}

/**
 * The request could not be served now and was not done: the database is unreachable, or its work
 * ran past its deadline and was rolled back. Retrying after `retryAfter` seconds is safe.
 * `reason` tells the two apart ("unavailable", "timeout"); "outcome_unknown" is a deadline met
 * while the commit was already on its way, whose result the server cannot know.
 */
export class ServiceUnavailableError extends AppError {
  constructor(
    readonly reason: "unavailable" | "timeout" | "outcome_unknown" = "unavailable",
    readonly retryAfterSeconds = 5,
  ) {
    const message =
      reason === "timeout"
        ? "The request took too long and was not done. Try again shortly."
        : reason === "outcome_unknown"
          ? "The request took too long; whether it was done is unknown. Check before trying again."
          : "The service is temporarily unavailable. Try again shortly.";
    super("SERVICE_UNAVAILABLE", message, { extensions: { reason, retryAfter: retryAfterSeconds }, logLevel: "warn" });
  }
}

/** What a client sees of an error that is not ours: nothing but that it happened. */
export class InternalError extends AppError {
  constructor() {
    super("INTERNAL_SERVER_ERROR", "Internal server error. The incident was logged.");
  }
}

/**
 * An `Idempotency-Key` (IETF httpapi draft) reused wrongly: with another request than the one it
 * was first sent with (IDEMPOTENCY_KEY_MISMATCH, 422), or while that first request is still in
 * flight (IDEMPOTENCY_KEY_IN_USE, 409: retry once it has answered).
 */
export class IdempotencyKeyError extends AppError {
  constructor(code: "IDEMPOTENCY_KEY_MISMATCH" | "IDEMPOTENCY_KEY_IN_USE", message: string) {
    super(code, message, { logLevel: "info" });
  }
}
