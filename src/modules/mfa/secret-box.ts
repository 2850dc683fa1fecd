import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { AppConfig } from "../../config.js";
import { AppError } from "../../core/errors.js";

const VERSION = "v1";

/**
 * Seals TOTP secrets at rest with AES-256-GCM under a server key (MFA_ENCRYPTION_KEY, else a
 * key file beside the JWT signing keys, generated like them): a copy of the database alone does
 * not let anyone compute an account's codes. Stored as "v1.<iv>.<tag>.<ciphertext>" (base64url),
 * bound to the account id as associated data so a sealed secret cannot be moved to another row.
 */
export class SecretBox {
  private key: Promise<Buffer> | null = null;

  constructor(private readonly config: AppConfig["mfa"]) {}

  async seal(plaintext: string, userId: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", await this.loadKey(), iv);
    cipher.setAAD(Buffer.from(userId));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
  }

  /** The plaintext, or null when the value does not open with this key (a lost or replaced key). */
  async open(sealed: string, userId: string): Promise<string | null> {
    const [version, iv, tag, body] = sealed.split(".");
    if (version !== VERSION || !iv || !tag || !body) return null;
    try {
      const decipher = createDecipheriv("aes-256-gcm", await this.loadKey(), Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(userId));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      return null;
    }
  }

  /** Loads (or generates) the key now, so that start-up logs a missing key rather than the first enrolment. */
  async check(): Promise<void> {
    await this.loadKey();
  }

  private loadKey(): Promise<Buffer> {
    this.key ??= this.readOrCreateKey().catch((error: unknown) => {
      this.key = null;
      throw error;
    });
    return this.key;
  }

  private async readOrCreateKey(): Promise<Buffer> {
    if (this.config.encryptionKey) return Buffer.from(this.config.encryptionKey, "base64");
    const file = this.config.encryptionKeyFile;
    try {
      const key = Buffer.from((await readFile(file, "utf8")).trim(), "base64");
      if (key.length !== 32) throw notConfigured(`${file} does not hold 32 bytes in base64`);
      return key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    if (!this.config.allowGeneratedKey) {
      throw notConfigured(`MFA_ENCRYPTION_KEY is not set and ${file} does not exist: set it (openssl rand -base64 32) or ALLOW_GENERATED_KEYS=true`);
    }
    const key = randomBytes(32);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    // "wx": of two processes generating at once, the second reads the first's key.
    try {
      await writeFile(file, key.toString("base64") + "\n", { mode: 0o600, flag: "wx" });
      await chmod(file, 0o600);
      return key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      return Buffer.from((await readFile(file, "utf8")).trim(), "base64");
    }
  }
}

/** The server cannot seal or open TOTP secrets: an operator's setting is missing (logged with the reason). */
function notConfigured(reason: string): AppError {
  const error = new AppError("SERVICE_UNAVAILABLE", "Authenticator apps are not available on this server yet: ask its operator to configure MFA_ENCRYPTION_KEY.", {
    extensions: { reason: "MFA_KEY_MISSING" },
    logLevel: "error",
  });
  error.cause = reason;
  return error;
}
