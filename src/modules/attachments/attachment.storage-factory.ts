import type { Readable } from "node:stream";
import type { AppConfig } from "../../config.js";
import type { AttachmentStorage } from "./attachment.storage.js";
import { LocalAttachmentStorage } from "./local.storage.js";
import type { S3AttachmentStorage, S3Settings } from "./s3.storage.js";

/** S3-compatible storage when S3_BUCKET is set, else the local data folder. */
export function createAttachmentStorage(config: AppConfig["attachments"]): AttachmentStorage {
  return config.s3 ? new DeferredS3Storage(config.s3) : new LocalAttachmentStorage(config.dir);
}

/**
 * The S3 storage, its AWS SDK loaded with the first call: the SDK is ~3 MB of code and heap that a
 * server storing attachments locally (the default) would otherwise load at startup.
 */
class DeferredS3Storage implements AttachmentStorage {
  readonly kind = "s3";
  private storage: Promise<S3AttachmentStorage> | null = null;

  constructor(private readonly settings: S3Settings) {}

  private open(): Promise<S3AttachmentStorage> {
    this.storage ??= import("./s3.storage.js").then(({ S3AttachmentStorage }) => new S3AttachmentStorage(this.settings));
    return this.storage;
  }

  async put(key: string, body: Readable, contentType?: string): Promise<void> {
    return (await this.open()).put(key, body, contentType);
  }

  async get(key: string): Promise<Readable | null> {
    return (await this.open()).get(key);
  }

  async delete(key: string): Promise<void> {
    return (await this.open()).delete(key);
  }
}
