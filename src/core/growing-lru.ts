import { LRUCache } from "lru-cache";

type Key = NonNullable<unknown>; // lru-cache's own bound on keys and values

type GrowingOptions<K extends Key, V extends Key> = Omit<LRUCache.Options<K, V, unknown>, "max" | "maxSize" | "maxEntrySize" | "sizeCalculation">;

/**
 * An LRU cache of at most `max` entries whose storage grows as entries arrive. Given `max`,
 * lru-cache allocates its key, value, link and TTL arrays for every entry up front: the caches of
 * sessions, tokens and claims held ~11 MB of empty slots in every process, idle or not
 * (bench/RESULTS.md, "Memory"). Bounded by size instead, each entry counting 1, the same limit
 * holds and the arrays only grow to the most entries ever held.
 */
export function growingLru<K extends Key, V extends Key>(max: number, options: GrowingOptions<K, V> = {}): LRUCache<K, V> {
  return new LRUCache<K, V>({ ...options, maxSize: max, sizeCalculation: () => 1 });
}
