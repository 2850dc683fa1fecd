import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { AppError } from "../../core/errors.js";
import { SNIFF_BYTES } from "./attachment.content-types.js";

/** A file over the per-file limit: the upload is cut where it passed it. */
export class FileTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super("PAYLOAD_TOO_LARGE", `The file exceeds the limit of ${limitBytes} bytes per file.`, { extensions: { limitBytes, limit: "file" }, logLevel: "info" });
  }
}

/**
 * Measures a file while it streams into storage, without holding it: counts its bytes (and fails
 * the stream the moment they pass `limitBytes`), hashes it (SHA-256), and keeps only its first
 * SNIFF_BYTES to sniff its type from.
 */
export class UploadMeter extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash("sha256");
  private readonly headChunks: Buffer[] = [];
  private headBytes = 0;

  constructor(private readonly limitBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limitBytes) return done(new FileTooLargeError(this.limitBytes));
    this.hash.update(chunk);
    if (this.headBytes < SNIFF_BYTES) {
      const part = chunk.subarray(0, SNIFF_BYTES - this.headBytes);
      this.headChunks.push(Buffer.from(part));
      this.headBytes += part.length;
    }
    done(null, chunk);
  }

  /** The hex SHA-256 of everything that passed (call once, after the end). */
  digest(): string {
    return this.hash.digest("hex");
  }

  head(): Buffer {
    return Buffer.concat(this.headChunks);
  }
}
