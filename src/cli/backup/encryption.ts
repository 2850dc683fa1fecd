import { createCipheriv, createDecipheriv, randomBytes, scrypt, type DecipherGCM } from "node:crypto";
import { open, readFile } from "node:fs/promises";
import { Transform, type TransformCallback } from "node:stream";
import { CliError, EXIT } from "../cli-error.js";

/**
 * Passphrase encryption of a backup archive: scrypt (N=2^17, r=8, p=1, OWASP's recommendation)
 * derives an AES-256-GCM key. File layout: MAGIC, log2(N), r, p, 16-byte salt, 12-byte nonce,
 * the ciphertext, the 16-byte tag; the header is the GCM associated data, so changing a
 * parameter is detected like changing a byte of the archive.
 */
const MAGIC = Buffer.from("DQLBAK01");
const HEADER_LENGTH = MAGIC.length + 3 + 16 + 12;
const TAG_LENGTH = 16;

export async function readPassphrase(file: string): Promise<string> {
  const passphrase = (await readFile(file, "utf8")).replace(/[\r\n]+$/, "");
  if (passphrase.length < 12) throw new CliError(`--passphrase-file: the passphrase in ${file} is shorter than 12 characters`, EXIT.usage);
  return passphrase;
}

function deriveKey(passphrase: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2N;
  return new Promise((resolve, reject) =>
    scrypt(passphrase, salt, 32, { N, r, p, maxmem: 256 * N * r }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** A stream that encrypts what passes through it; the header goes first, the tag last. */
export async function encryptingStream(passphrase: string): Promise<Transform> {
  const [log2N, r, p] = [17, 8, 1];
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const header = Buffer.concat([MAGIC, Buffer.from([log2N, r, p]), salt, nonce]);
  const cipher = createCipheriv("aes-256-gcm", await deriveKey(passphrase, salt, log2N, r, p), nonce);
  cipher.setAAD(header);
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (!started) this.push(header);
      started = true;
      done(null, cipher.update(chunk));
    },
    flush(done: TransformCallback) {
      if (!started) this.push(header);
      this.push(cipher.final());
      done(null, cipher.getAuthTag());
    },
  });
}

/** True when the file starts like an encrypted archive (else it should be gzip). */
export async function isEncrypted(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const start = Buffer.alloc(MAGIC.length);
    await handle.read(start, 0, MAGIC.length, 0);
    return start.equals(MAGIC);
  } finally {
    await handle.close();
  }
}

/**
 * Decrypts an archive read from the start of the file. The last 16 bytes are held back as the
 * tag; a wrong passphrase or a changed byte fails at the end (flush), so the caller must not use
 * what it extracted unless the whole pipeline succeeded.
 */
export function decryptingStream(passphrase: string): Transform {
  let header: Buffer | null = Buffer.alloc(0);
  let decipher: DecipherGCM | undefined;
  let keyReady: Promise<void> | undefined;
  let tail = Buffer.alloc(0);
  const wrong = () => new CliError("The archive could not be decrypted: wrong passphrase, or the file is damaged.", EXIT.dataError);
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      const go = async () => {
        if (header) {
          header = Buffer.concat([header, chunk]);
          if (header.length < HEADER_LENGTH) return;
          const [log2N, r, p] = header.subarray(MAGIC.length, MAGIC.length + 3);
          const salt = header.subarray(MAGIC.length + 3, MAGIC.length + 19);
          const nonce = header.subarray(MAGIC.length + 19, HEADER_LENGTH);
          if (!header.subarray(0, MAGIC.length).equals(MAGIC) || log2N! > 22 || r! > 32 || p! > 16) throw wrong();
          keyReady ??= deriveKey(passphrase, salt, log2N!, r!, p!).then((key) => {
            decipher = createDecipheriv("aes-256-gcm", key, nonce);
            decipher.setAAD(header!.subarray(0, HEADER_LENGTH));
          });
          await keyReady;
          chunk = header.subarray(HEADER_LENGTH);
          header = null;
        }
        const data = Buffer.concat([tail, chunk]);
        const keep = Math.min(TAG_LENGTH, data.length);
        tail = data.subarray(data.length - keep);
        this.push(decipher!.update(data.subarray(0, data.length - keep)));
      };
      go().then(() => done(), done);
    },
    flush(done: TransformCallback) {
      if (!decipher || tail.length < TAG_LENGTH) return done(wrong());
      try {
        decipher.setAuthTag(tail);
        done(null, decipher.final());
      } catch {
        done(wrong());
      }
    },
  });
}
