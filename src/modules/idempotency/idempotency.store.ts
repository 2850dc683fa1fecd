import { createHash } from "node:crypto";
import { UniqueConstraintViolationException } from "@mikro-orm/core";
import type { Clock } from "../../core/clock.js";
import { BadUserInputError, IdempotencyKeyError } from "../../core/errors.js";
import type { Viewer } from "../../core/identity.js";
import type { Orm } from "../../db/orm.js";
import { IdempotencyKey, IdempotencyStatus } from "./idempotency-key.entity.js";

/** The draft allows any sf-string; a key longer than this is not a key a client generated sensibly. */
const KEY_MAX = 255;
/** A recorded request that never finished (its process died) blocks its key this long, then a retry takes over. */
const ABANDONED_AFTER_MS = 10 * 60_000;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** JSON with object keys sorted, so the same variables give the same fingerprint however they were ordered. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What the first request of a key left: nothing yet (this request goes ahead), or its response to replay. */
export type Claim = { kind: "first"; id: string } | { kind: "replay"; response: string };

/**
 * The `Idempotency-Key` records (IETF httpapi draft "The Idempotency-Key HTTP Header Field"),
 * shared by every replica through the database: (caller, key) is unique, so of two requests with
 * one key exactly one inserts the record and runs; the others replay its response, or are told
 * it is still in flight, or that they are a different request.
 */
export class IdempotencyStore {
  constructor(
    private readonly orm: Orm,
    private readonly keyHours: number,
  ) {}

  /** The key from the header value: a structured-field string ("...") or, leniently, a bare token. */
  static parseKey(header: string): string {
    const trimmed = header.trim();
    const key = /^"(.*)"$/.test(trimmed) ? trimmed.slice(1, -1).replace(/\\(["\\])/g, "$1") : trimmed;
    if (!key || key.length > KEY_MAX || /[^\x20-\x7e]/.test(key)) {
      throw new BadUserInputError(`The Idempotency-Key header must be a string of 1 to ${KEY_MAX} printable ASCII characters, e.g. Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324".`, "Idempotency-Key");
    }
    return key;
  }

  static fingerprint(viewer: Viewer, request: { query?: string; operationName?: string | null; variables?: Record<string, unknown> | null }): string {
    const query = (request.query ?? "").replace(/\s+/g, " ").trim();
    return sha256(canonical({ caller: owner(viewer), query, operationName: request.operationName ?? null, variables: request.variables ?? {} }));
  }

  /**
   * Records `key` for this request, or answers from the record another request left: the stored
   * response when it succeeded with the same request; IDEMPOTENCY_KEY_MISMATCH for another
   * request; IDEMPOTENCY_KEY_IN_USE while the first is still running.
   */
  async claim(viewer: Viewer, key: string, fingerprint: string, clock: Clock): Promise<Claim> {
    const scope = { owner: owner(viewer), keyHash: sha256(key) };
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = clock.now();
      const em = this.orm.em.fork();
      const record = em.create(IdempotencyKey, { ...scope, fingerprint, expiresAt: new Date(now.getTime() + this.keyHours * 3_600_000), createdAt: now });
      try {
        await em.flush();
        return { kind: "first", id: record.id };
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
      }
      const found = await this.orm.em.fork().findOne(IdempotencyKey, scope, { disableIdentityMap: true });
      if (!found) continue; // deleted meanwhile (the first request failed, or it expired): try again
      const abandoned = found.status === IdempotencyStatus.IN_FLIGHT && now.getTime() - found.createdAt.getTime() > ABANDONED_AFTER_MS;
      if (found.expiresAt <= now || abandoned) {
        await this.orm.em.fork().nativeDelete(IdempotencyKey, { id: found.id, status: found.status });
        continue;
      }
      if (found.fingerprint !== fingerprint) {
        throw new IdempotencyKeyError("IDEMPOTENCY_KEY_MISMATCH", "This Idempotency-Key was used with a different request (another mutation, other variables or another caller). Send a new key for a new request.");
      }
      if (found.status === IdempotencyStatus.IN_FLIGHT || found.response === null) {
        throw new IdempotencyKeyError("IDEMPOTENCY_KEY_IN_USE", "A request with this Idempotency-Key is still being processed. Retry once it has answered.");
      }
      return { kind: "replay", response: found.response };
    }
    throw new IdempotencyKeyError("IDEMPOTENCY_KEY_IN_USE", "A request with this Idempotency-Key is still being processed. Retry once it has answered.");
  }

  /** Stores the first request's successful response for replay. */
  async complete(id: string, response: string): Promise<void> {
    await this.orm.em.fork().nativeUpdate(IdempotencyKey, { id }, { status: IdempotencyStatus.DONE, response });
  }

  /** Forgets a key whose first request failed: errors are not replayed, so the client may retry with it. */
  async release(id: string): Promise<void> {
    await this.orm.em.fork().nativeDelete(IdempotencyKey, { id, status: IdempotencyStatus.IN_FLIGHT });
  }
}

/** Keys are the caller's own: a user's sessions share them, an API token has its own. */
function owner(viewer: Viewer): string {
  return viewer.apiTokenId ? `token:${viewer.apiTokenId}` : `user:${viewer.userId}`;
}
