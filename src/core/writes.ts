import {
  DeadlockException,
  LockMode,
  LockWaitTimeoutException,
  OptimisticLockError,
  UniqueConstraintViolationException,
} from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/core";
import { ConflictError } from "./errors.js";

/**
 * Runs a write transaction and turns the races the database catches into CONFLICT: a stale
 * version at flush, a deadlock between two writers, a lock wait that timed out, or a unique key
 * taken in between. The transaction has rolled back by then, so nothing was written.
 */
export async function conflictOnRace<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof OptimisticLockError || error instanceof DeadlockException || error instanceof LockWaitTimeoutException) {
      throw new ConflictError(`The ${what} was changed by someone else at the same time; reload it and try again.`);
    }
    if (error instanceof UniqueConstraintViolationException) {
      throw new ConflictError(`The ${what} collided with a concurrent change; reload it and try again.`);
    }
    throw error;
  }
}

/**
 * Reads a row to change with SELECT ... FOR UPDATE, so writers of the same row queue up and
 * each one decides on what the previous one committed. SQLite has no row locks (its writers
 * are serialized anyway) and the SQL compiler drops the clause there.
 */
export const FOR_UPDATE = { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } as const;

/**
 * For rows a write only reads (a new issue's project, a parent, an assignee): loaded beside the
 * transaction's identity map, so its flush never writes them back (on SQLite, whose datetime
 * snapshots always look changed, it otherwise would, bumping their versions). Relations to them
 * are set with `em.getReference`.
 */
export const READ_ONLY = { disableIdentityMap: true } as const;

/** A row read under its lock but not changed (a parent that must stay open while a child is added). */
export const LOCKED_READ_ONLY = { ...FOR_UPDATE, ...READ_ONLY } as const;

/** The `expectedVersion` check every versioned mutation starts with. */
export function assertVersion(what: string, actual: number, expected: number | null | undefined): void {
  if (expected != null && expected !== actual) {
    throw new ConflictError(`The ${what} changed since you loaded it (version ${actual}, you sent ${expected}); reload it and try again.`, {
      currentVersion: actual,
    });
  }
}

/**
 * Ends a write that turned out to change nothing: the entity leaves the transaction's identity
 * map, so the transaction's closing flush writes nothing. On SQLite the datetime snapshots of a
 * loaded row always look changed, and writing it back would bump its version for nothing.
 */
export function unchanged<T extends object>(tx: EntityManager, entity: T): T {
  tx.clear();
  return entity;
}
