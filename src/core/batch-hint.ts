import type { EntityManager } from "@mikro-orm/core";

/**
 * The tickets a transaction changes together (a bulk change announces them before its first
 * change), so that a subscriber which reads something per ticket on every event (watchers, CC'd
 * addresses) can read it for the whole batch in one statement on the first event instead of once
 * per ticket. Keyed by the transaction's EntityManager: it ends with the transaction.
 */
const batches = new WeakMap<EntityManager, ReadonlySet<string>>();

export function announceTicketBatch(em: EntityManager, ticketIds: Iterable<string>): void {
  batches.set(em, new Set(ticketIds));
}

/** The ticket ids to read together with `ticketId`: its announced batch, or only itself. */
export function ticketBatchOf(em: EntityManager, ticketId: string): string[] {
  const batch = batches.get(em);
  return batch?.has(ticketId) ? [...batch] : [ticketId];
}

/**
 * A per-transaction cache of something read per ticket, filled a batch at a time. Writers that
 * change what it holds in the same transaction call `forget`.
 */
export class TicketBatchCache<T> {
  private readonly byEm = new WeakMap<EntityManager, Map<string, T>>();

  constructor(
    private readonly load: (em: EntityManager, ticketIds: string[]) => Promise<Map<string, T>>,
    private readonly empty: () => T,
  ) {}

  async get(em: EntityManager, ticketId: string): Promise<T> {
    let cached = this.byEm.get(em);
    if (!cached) this.byEm.set(em, (cached = new Map()));
    const hit = cached.get(ticketId);
    if (hit !== undefined) return hit;
    const missing = ticketBatchOf(em, ticketId).filter((id) => !cached.has(id));
    const loaded = await this.load(em, missing);
    for (const id of missing) cached.set(id, loaded.get(id) ?? this.empty());
    return cached.get(ticketId)!;
  }

  forget(em: EntityManager, ...ticketIds: string[]): void {
    const cached = this.byEm.get(em);
    for (const id of ticketIds) cached?.delete(id);
  }
}
