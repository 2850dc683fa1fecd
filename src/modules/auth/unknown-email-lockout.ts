import { createHash } from "node:crypto";
import type { EntityManager } from "@mikro-orm/core";
import type { AppConfig } from "../../config.js";

/** How often one process sweeps rows that say nothing any more (no failures, lock over). */
const PURGE_EVERY_MS = 10 * 60_000;

/**
 * Lockout for emails that have no account, counted exactly like a real account's
 * (users.failed_login_count and locked_until): the n-th failure locks for LOCKOUT_MINUTES, the
 * count starts over after the lock, and failures do not expire on their own. Anything less would
 * tell who has an account.
 *
 * Kept in the database rather than in Redis: the real accounts' counts live there, so the two
 * agree at any replica count, across restarts and deploys, and whether Redis is configured, up
 * or down (a per-replica fallback would lock unknown emails at another attempt than real ones).
 * It costs one statement more on a path that already writes the login.failed event.
 */
export class UnknownEmailLockouts {
  private lastPurge = 0;

  constructor(private readonly config: Pick<AppConfig, "lockout" | "database">) {}

  /**
   * Counts one failure for `email` inside the caller's transaction. Returns when the email is
   * locked until (already, or from this failure on), and whether this attempt was counted.
   */
  async fail(em: EntityManager, email: string, now: Date): Promise<{ lockedUntil: Date | null; counted: boolean }> {
    const key = createHash("sha256").update(email).digest("hex");
    const connection = em.getConnection();
    const trx = em.getTransactionContext();
    const nowMs = now.getTime();
    // One statement that takes the row's exclusive lock at once (no shared lock to upgrade, so
    // parallel failures of one address cannot deadlock), and counts only while not locked.
    const counted = "case when locked_until_ms is not null and locked_until_ms > ? then failures else failures + 1 end";
    const upsert =
      this.config.database.kind === "mysql"
        ? `insert into unknown_email_lockouts (email_key, failures, locked_until_ms) values (?, 1, null) on duplicate key update failures = ${counted}`
        : `insert into unknown_email_lockouts (email_key, failures, locked_until_ms) values (?, 1, null) on conflict (email_key) do update set failures = ${counted}`;
    await connection.execute(upsert, [key, nowMs], "run", trx);
    const [row] = await connection.execute<{ failures: number | string; locked_until_ms: number | string | null }[]>(
      "select failures, locked_until_ms from unknown_email_lockouts where email_key = ?",
      [key],
      "all",
      trx,
    );
    const lockedUntilMs = row?.locked_until_ms == null ? null : Number(row.locked_until_ms);
    if (lockedUntilMs !== null && lockedUntilMs > nowMs) return { lockedUntil: new Date(lockedUntilMs), counted: false };
    if (Number(row?.failures ?? 0) < this.config.lockout.maxFailures) return { lockedUntil: null, counted: true };
    const until = nowMs + this.config.lockout.minutes * 60_000;
    await connection.execute("update unknown_email_lockouts set failures = 0, locked_until_ms = ? where email_key = ?", [until, key], "run", trx);
    return { lockedUntil: new Date(until), counted: true };
  }

  /**
   * Deletes rows equal to no row (no failures, lock over), at most every ten minutes per process,
   * outside any transaction and best-effort: rows with failures stay, as a real account's count does.
   */
  async purge(em: EntityManager, now: Date): Promise<void> {
    if (now.getTime() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now.getTime();
    await em.getConnection().execute("delete from unknown_email_lockouts where failures = 0 and locked_until_ms <= ?", [now.getTime()], "run");
  }
}
