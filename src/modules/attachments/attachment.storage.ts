import type { Readable } from "node:stream";

/**
 * Where attachments' bytes live: the local data folder (local.storage.ts) or S3-compatible
 * object storage (s3.storage.ts), chosen by configuration. Keys are ours (the attachment's id):
 * an object is written once, read many times, deleted with its row.
 */
export interface AttachmentStorage {
  /** "local" or "s3", for logs and /ready-style reports. */
  readonly kind: string;
  /**
   * Streams `body` into `key`. The object appears only once complete: a failed or aborted write
   * (the body errored, e.g. past the size limit) leaves nothing under `key`.
   */
  put(key: string, body: Readable, contentType?: string): Promise<void>;
  /** The object's bytes as a stream, or null when there is none. */
  get(key: string): Promise<Readable | null>;
  /** Removes the object; removing one that is not there is no error. */
  delete(key: string): Promise<void>;
}
