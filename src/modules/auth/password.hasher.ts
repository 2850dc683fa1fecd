import argon2 from "argon2";
import type { AppConfig } from "../../config.js";
import { HashSlots } from "./hash-slots.js";

/**
 * node-argon2 (0.40+) writes the parameters as `m=..,p=..,t=..`; the reference encoding, and the
 * verifiers built on libargon2 (PHP, argon2-cffi, libsodium), require `m=..,t=..,p=..`. Stored
 * hashes use the reference order so they stay portable; node-argon2 reads either.
 */
export function canonicalPhc(hash: string): string {
  return hash.replace(/^(\$argon2id?\$v=\d+\$)m=(\d+),p=(\d+),t=(\d+)\$/, "$1m=$2,t=$4,p=$3$");
}

/**
 * Which native argon2 runs: "avx2" (built at install, scripts/build-argon2-avx2.js) or the
 * portable SSE2 build. Logged at start, since it sets how many sign-ins a core can hash.
 */
export const argon2Build = argon2.build;

/**
 * argon2id at (at least) OWASP's minimum: m=19 MiB, t=2, p=1. Hashing runs on libuv's thread
 * pool, in slots (hash-slots.ts): every core while the event loop is idle, one core fewer while
 * it serves other requests, so sign-in floods never starve GraphQL.
 */
export class PasswordHasher {
  private readonly slots: HashSlots;
  private readonly options: argon2.HashOptions & { type: typeof argon2.argon2id; raw?: false };
  /** Verified against for unknown emails so that they cost the same time as wrong passwords. */
  private dummyHash: Promise<string> | undefined;
  /**
   * The AVX2 build keeps argon2's block memory (m, 19 MiB, one for each core) for the next hash,
   * which spares the kernel mapping and zeroing it again: about a fifth of a hash's CPU. Kept only
   * while sign-ins keep coming: this timer, pushed back by every hash, gives it back after a pause.
   */
  private readonly releaseKeptMemory: NodeJS.Timeout;

  /** `releaseMemory`: argon2's, process-wide; a test passes its own to see this instance's timer alone. */
  constructor(config: AppConfig["passwords"], { keepMemoryMs = 2_000, releaseMemory = () => argon2.releaseMemory() } = {}) {
    this.slots = new HashSlots(config.hashConcurrency, config.hashConcurrencyUnderLoad);
    this.options = { type: argon2.argon2id, ...config.argon2 };
    this.releaseKeptMemory = setTimeout(releaseMemory, keepMemoryMs).unref();
  }

  /** Counts an API request, so that hashing keeps to its under-load slots while other traffic flows (hash-slots.ts). */
  noteRequest(): void {
    this.slots.noteRequest();
  }

  /** Hashes running and waiting for a slot, and the slots open now (the metrics read them). */
  get queue(): { running: number; waiting: number; slots: number } {
    return this.slots.state;
  }

  async hash(password: string): Promise<string> {
    return canonicalPhc(await this.slots.run(() => this.hashed(argon2.hash(password, { ...this.options, raw: false }))));
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.slots.run(async () => {
      try {
        return await this.hashed(argon2.verify(hash, password));
      } catch {
        return false; // a malformed stored hash never authenticates
      }
    });
  }

  private hashed<T>(work: Promise<T>): Promise<T> {
    return work.finally(() => this.releaseKeptMemory.refresh());
  }

  /** Spends the same work as a real verification and always fails. */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hash("dummy password that no account has");
    await this.verify(await this.dummyHash, password);
    return false;
  }

  /**
   * True when the stored hash is weaker than the configured parameters (another algorithm or
   * version, less memory or fewer passes). A stronger hash is kept: argon2.needsRehash() also
   * answers true for those, so during a rolling upgrade old and new instances would rewrite
   * each other's hashes down and up at every sign-in.
   */
  needsRehash(hash: string): boolean {
    const match = /^\$argon2id\$v=(\d+)\$([^$]+)\$/.exec(hash);
    if (!match) return true;
    const params = Object.fromEntries(match[2]!.split(",").map((kv) => kv.split("=") as [string, string]));
    const [m, t] = [Number(params.m), Number(params.t)];
    if (!Number.isInteger(m) || !Number.isInteger(t)) return true;
    return Number(match[1]) < 0x13 || m < this.options.memoryCost! || t < this.options.timeCost!;
  }
}
