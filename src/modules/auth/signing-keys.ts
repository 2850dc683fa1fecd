import { chmod, mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { webcrypto } from "node:crypto";
import * as jose from "jose";
import { v7 as uuidv7 } from "uuid";
import { ConfigError } from "../../config.js";

type CryptoKey = webcrypto.CryptoKey;

export const SIGNING_ALG = "EdDSA";

/** How often a token with an unknown `kid` may make the keys folder be re-read: a bound against abuse. */
const UNKNOWN_KID_RELOAD_MS = 1_000;

/** A key file in the keys folder: one JSON document per key, private part included. */
interface StoredKey {
  kid: string;
  alg: typeof SIGNING_ALG;
  createdAt: string;
  /** Set when a newer key took over signing; the key still verifies until `verifyUntil`. */
  signingEndedAt?: string;
  verifyUntil?: string;
  privateJwk: jose.JWK;
}

interface LoadedKey {
  stored: StoredKey;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: jose.JWK;
}

/** A ConfigError: main.ts exits with 78 (EX_CONFIG) and the message, like any bad setting. */
export class SigningKeysError extends ConfigError {
  constructor(problem: string) {
    super([problem]);
    this.name = "SigningKeysError";
  }
}

/**
 * The JWT signing keys. Several keys may verify at once (the newest signs), so an operator can
 * rotate without signing anyone out: see `rotate()` and `npm run keys:rotate`.
 */
export class SigningKeys {
  private keys = new Map<string, LoadedKey>();
  private current!: LoadedKey;
  private lastReload = 0;

  private constructor(private readonly dir: string) {}

  static async open(dir: string, options: { allowGenerate: boolean }): Promise<SigningKeys> {
    const store = new SigningKeys(dir);
    await store.reload();
    if (store.keys.size === 0) {
      if (!options.allowGenerate) {
        throw new SigningKeysError(`JWT_KEYS_DIR: no JWT signing key in ${dir}. Run "npm run keys:rotate" to create one, or set ALLOW_GENERATED_KEYS=true.`);
      }
      await store.writeNewKey();
      await store.reload();
    }
    return store;
  }

  /** Re-reads the folder: picks up a rotation made by another process. */
  async reload(now = new Date()): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const files = (await readdir(this.dir)).filter((f) => f.endsWith(".json")).sort();
    const keys = new Map<string, LoadedKey>();
    for (const file of files) {
      const stored = JSON.parse(await readFile(join(this.dir, file), "utf8")) as StoredKey;
      if (stored.verifyUntil && new Date(stored.verifyUntil) <= now) continue; // retired
      const privateKey = (await jose.importJWK(stored.privateJwk, SIGNING_ALG)) as CryptoKey;
      const { d: _private, ...publicJwk } = stored.privateJwk;
      const publicKey = (await jose.importJWK(publicJwk, SIGNING_ALG)) as CryptoKey;
      keys.set(stored.kid, { stored, privateKey, publicKey, publicJwk: { ...publicJwk, kid: stored.kid, alg: SIGNING_ALG, use: "sig" } });
    }
    const signing = [...keys.values()].filter((k) => !k.stored.signingEndedAt);
    signing.sort((a, b) => a.stored.createdAt.localeCompare(b.stored.createdAt));
    this.keys = keys;
    if (signing.length) this.current = signing[signing.length - 1]!;
    this.lastReload = Date.now();
  }

  signingKey(): { kid: string; key: CryptoKey } {
    return { kid: this.current.stored.kid, key: this.current.privateKey };
  }

  /**
   * The public key for a `kid`. An unknown one re-reads the folder (another replica may sign
   * with a key made a moment ago), at most once per UNKNOWN_KID_RELOAD_MS however many tokens
   * with made-up kids arrive; requests arriving during that read share it.
   */
  async verificationKey(kid: string | undefined): Promise<CryptoKey | undefined> {
    if (!kid) return undefined;
    let key = this.keys.get(kid);
    if (!key) {
      if (!this.unknownKidReload && Date.now() - this.lastReload >= UNKNOWN_KID_RELOAD_MS) {
        this.unknownKidReload = this.reload().finally(() => (this.unknownKidReload = undefined));
      }
      await this.unknownKidReload?.catch(() => undefined);
      key = this.keys.get(kid);
    }
    return key?.publicKey;
  }

  private unknownKidReload: Promise<void> | undefined;

  /** Whether tokens signed under `kid` still verify (the key is loaded and not retired). */
  trusts(kid: string): boolean {
    return this.keys.has(kid);
  }

  jwks(): { keys: jose.JWK[] } {
    return { keys: [...this.keys.values()].map((k) => k.publicJwk) };
  }

  /**
   * Creates a new signing key; the previous ones stop signing now and keep verifying for
   * `maxTokenTtlSeconds`, the longest lifetime of a token they may have signed. With 0 (an
   * emergency) EVERY previous key stops verifying now, those that stopped signing in an earlier
   * rotation included: shortly after a routine rotation the fleet may still sign with the key
   * before it (servers switch at their next reload), and that is the key that must go.
   */
  async rotate(maxTokenTtlSeconds: number, now = new Date()): Promise<string> {
    const verifyUntil = new Date(now.getTime() + maxTokenTtlSeconds * 1000).toISOString();
    for (const key of this.keys.values()) {
      const retireNow = maxTokenTtlSeconds === 0;
      if (key.stored.signingEndedAt && !retireNow) continue; // keeps its own verifyUntil
      const updated: StoredKey = { ...key.stored, signingEndedAt: key.stored.signingEndedAt ?? now.toISOString(), verifyUntil };
      await this.writeKeyFile(updated);
    }
    const kid = await this.writeNewKey(now);
    await this.reload(now);
    return kid;
  }

  private async writeNewKey(now = new Date()): Promise<string> {
    const { privateKey } = await jose.generateKeyPair(SIGNING_ALG, { crv: "Ed25519", extractable: true });
    const kid = uuidv7();
    await this.writeKeyFile({ kid, alg: SIGNING_ALG, createdAt: now.toISOString(), privateJwk: await jose.exportJWK(privateKey) });
    return kid;
  }

  /** Written to a temp file and renamed, so a reader never sees half a key. */
  private async writeKeyFile(key: StoredKey): Promise<void> {
    const path = join(this.dir, `${key.createdAt.replace(/[:.]/g, "-")}_${key.kid}.json`);
    const tmp = `${path}.tmp`;
    await writeFile(tmp, JSON.stringify(key, null, 2), { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  }
}
