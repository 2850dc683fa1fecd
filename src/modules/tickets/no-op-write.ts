import type { EntityManager } from "@mikro-orm/core";

/**
 * Ends a write that turned out to change nothing: the entity leaves the transaction's identity
 * map, so the transaction's closing flush writes nothing. On SQLite the datetime snapshots of a
 * loaded row always look changed, and writing it back would bump its version for nothing.
 */
export function unchanged<T extends object>(tx: EntityManager, entity: T): T {
  tx.clear();
  return entity;
}
