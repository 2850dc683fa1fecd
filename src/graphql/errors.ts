import { GraphQLError } from "graphql";

/**
 * The domain's errors. Each carries a stable `extensions.code` that clients switch on; the
 * mapping to the response happens once, in error-formatting.ts. Anything else is masked.
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
  | "PAYLOAD_TOO_LARGE";

export abstract class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export class BadUserInputError extends AppError {
  /** `field` names the offending input (e.g. "input.email") so forms can point at it. */
  constructor(message: string, field?: string, extra: Record<string, unknown> = {}) {
    super("BAD_USER_INPUT", message, { ...(field ? { field } : {}), ...extra });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = "Authentication required: send a valid access token.", extra: Record<string, unknown> = {}) {
    super("UNAUTHENTICATED", message, extra);
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
    super("CONFLICT", message, extra);
  }
}

export class InvalidTransitionError extends AppError {
  constructor(message: string, from: string, allowed: readonly string[]) {
    super("INVALID_TRANSITION", message, { currentStatus: from, allowedTransitions: [...allowed] });
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super("RATE_LIMITED", `Too many attempts. Try again in ${retryAfterSeconds} seconds.`, { retryAfter: retryAfterSeconds });
  }
}

export class AccountLockedError extends AppError {
  constructor(lockedUntil: Date) {
    super("ACCOUNT_LOCKED", `This account is locked after too many failed sign-ins until ${lockedUntil.toISOString()}.`, {
      lockedUntil: lockedUntil.toISOString(),
    });
  }
}
