import { v7 as uuidv7 } from "uuid";

/**
 * A small deterministic PRNG (mulberry32): the same seed gives the same demo desk on every run
 * and machine, without a data-faking dependency.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight, e.g. `weighted([["LOW", 25], ["HIGH", 10]])`. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries.at(-1)![0];
  }

  /** Skewed towards the start of the list (a few customers open most tickets, as on real desks). */
  skewed<T>(items: readonly T[], power = 2): T {
    return items[Math.floor(Math.pow(this.next(), power) * items.length)]!;
  }

  /** Exponentially distributed with the given mean (waiting times). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** A UUIDv7 for a row created at `at`: time-ordered like the app's ids, but reproducible. */
  uuid(at: Date): string {
    const random = new Uint8Array(16);
    for (let i = 0; i < 16; i++) random[i] = Math.floor(this.next() * 256);
    return uuidv7({ msecs: at.getTime(), random });
  }
}
