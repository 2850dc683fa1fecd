import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { v7 as uuidv7 } from "uuid";
import type { AttachmentStorage } from "./attachment.storage.js";

const SAFE_KEY = /^[A-Za-z0-9._-]{1,200}$/;

/**
 * Attachments in a folder of the data directory (ATTACHMENTS_DIR, default DATA_DIR/attachments),
 * spread over 256 subfolders by the id's last two characters. Written to a temporary file in
 * the same folder and renamed into place, so a reader never sees half a file and a crash leaves
 * only a file in `.tmp/` (safe to delete when no upload runs).
 */
export class LocalAttachmentStorage implements AttachmentStorage {
  readonly kind = "local";
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpDir = join(root, ".tmp");
  }

  private path(key: string): string {
    // Keys are ours, but a path is never built from anything that could climb out of the folder.
    if (!SAFE_KEY.test(key) || key.startsWith(".")) throw new Error(`Unsafe attachment key "${key}".`);
    return join(this.folder(key), key);
  }

  /** A key and its derived objects (`<id>.thumb`) share the folder named by the id's last two characters. */
  private folder(key: string): string {
    return join(this.root, key.split(".")[0]!.slice(-2));
  }

  async put(key: string, body: Readable): Promise<void> {
    const target = this.path(key);
    const tmp = join(this.tmpDir, `${uuidv7()}.tmp`);
    await mkdir(this.folder(key), { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
    try {
      await pipeline(body, createWriteStream(tmp, { flags: "wx" }));
      await rename(tmp, target);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable | null> {
    const stream = createReadStream(this.path(key));
    return new Promise((resolve, reject) => {
      stream.once("open", () => resolve(stream));
      stream.once("error", (error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? resolve(null) : reject(error)));
    });
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
