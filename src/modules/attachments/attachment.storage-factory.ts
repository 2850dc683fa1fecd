import type { AppConfig } from "../../config.js";
import type { AttachmentStorage } from "./attachment.storage.js";
import { LocalAttachmentStorage } from "./local.storage.js";
import { S3AttachmentStorage } from "./s3.storage.js";

/** S3-compatible storage when S3_BUCKET is set, else the local data folder. */
export function createAttachmentStorage(config: AppConfig["attachments"]): AttachmentStorage {
  return config.s3 ? new S3AttachmentStorage(config.s3) : new LocalAttachmentStorage(config.dir);
}
