import { accessSync, chmodSync, constants, copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import * as tar from "tar";
import type { AppConfig } from "../config.js";
import { migrationsFor } from "../db/migrations/index.js";
import { applyMigrations, initOrm } from "../db/orm.js";
import { PARTS, verifyExtracted } from "./backup/archive.js";
import { keyFiles, replaceAttachments, replaceKeys } from "./backup/desk-files.js";
import { decryptingStream, isEncrypted, readPassphrase } from "./backup/encryption.js";
import { inspectMysql, loadMysql } from "./backup/mysql-dump.js";
import { removeSqlite, sqliteUsers } from "./backup/sqlite-snapshot.js";
import { CliError, EXIT } from "./cli-error.js";

export interface RestoreOptions {
  passphraseFile?: string;
  /** Replace a desk that has users or signing keys. */
  force: boolean;
}

/**
 * Unpacks the archive into `staging`, only regular files and folders. An encrypted archive is
 * decrypted to a file first and unpacked only once its tag verified: tar never parses bytes
 * that could have been forged or garbled by a wrong passphrase.
 */
async function unpack(file: string, staging: string, passphraseFile: string | undefined): Promise<string> {
  const encrypted = await isEncrypted(file);
  if (encrypted && !passphraseFile) throw new CliError("The archive is encrypted: pass --passphrase-file.", EXIT.usage);
  let archive = file;
  if (encrypted) {
    archive = join(staging, "archive.tar.gz");
    await pipeline(createReadStream(file), decryptingStream(await readPassphrase(passphraseFile!)), createWriteStream(archive, { mode: 0o600 }));
  }
  const unpacked = join(staging, "unpacked");
  mkdirSync(unpacked, { mode: 0o700 });
  try {
    await pipeline(createReadStream(archive), tar.x({ cwd: unpacked, strict: true, filter: (_path, entry) => "type" in entry && (entry.type === "File" || entry.type === "Directory") }));
  } catch (error) {
    throw new CliError(`The archive could not be read (${error instanceof Error ? error.message : String(error)}).`, EXIT.dataError);
  }
  return unpacked;
}

/** The folder (or the nearest existing parent, where it will be created) must be writable. */
function assertWritable(dir: string, what: string): void {
  let at = dir;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  try {
    accessSync(at, constants.W_OK);
  } catch {
    throw new CliError(`Cannot write ${what}, ${dir}: nothing was restored.`, EXIT.refused);
  }
}

/** What the desk holds now: a restore over users or keys needs --force. */
async function contents(config: AppConfig): Promise<{ users: number; keys: number }> {
  const users = config.database.kind === "mysql" ? (await inspectMysql(config.database.url)).users : await sqliteUsers(config, config.database);
  return { users, keys: keyFiles(config).length };
}

/**
 * `deskql restore <file> [--force]`: checks the whole archive (passphrase, manifest, every
 * file's SHA-256, dialect, migrations this build knows) before touching anything, refuses a desk
 * that has users or signing keys unless forced, then replaces the database, the keys and the
 * attachments, and applies the migrations the archive predates. Servers must be stopped meanwhile.
 */
export async function restore(config: AppConfig, file: string, options: RestoreOptions): Promise<void> {
  if (!existsSync(file)) throw new CliError(`No such file: ${file}`, EXIT.usage);
  const staging = mkdtempSync(join(tmpdir(), "deskql-restore-"));
  try {
    const unpacked = await unpack(resolve(file), staging, options.passphraseFile);
    const manifest = await verifyExtracted(unpacked);
    if (manifest.dialect !== config.database.kind) {
      throw new CliError(`The archive holds a ${manifest.dialect} database, but this desk is configured for ${config.database.kind} (DATABASE_URL).`, EXIT.dataError);
    }
    const known = new Set(migrationsFor(config.database.kind).map((m) => m.name));
    const unknown = manifest.migrations.filter((name) => !known.has(name));
    if (unknown.length) throw new CliError(`The archive comes from a newer DeskQL (${manifest.version}): this build does not know the migrations ${unknown.join(", ")}. Restore it with that version or later.`, EXIT.dataError);

    const { users, keys } = await contents(config);
    if ((users || keys) && !options.force) {
      throw new CliError(
        `This desk is not empty (${users} user(s) in the database, ${keys} signing key(s) in ${config.jwt.keysDir}). ` +
          "A restore replaces all of it: stop the servers, take a backup of it if it matters, then run again with --force.",
        EXIT.refused,
      );
    }

    // Everything that can be checked is checked before the first thing is replaced.
    assertWritable(config.jwt.keysDir, "the signing keys folder (JWT_KEYS_DIR)");
    if (manifest.entries.some((e) => e.path.startsWith(`${PARTS.attachments}/`))) assertWritable(config.attachments.dir, "the attachments folder (ATTACHMENTS_DIR)");

    if (config.database.kind === "mysql") await loadMysql(config.database.url, join(unpacked, PARTS.mysqlDump));
    else {
      removeSqlite(config.database);
      mkdirSync(dirname(config.database.file), { recursive: true });
      copyFileSync(join(unpacked, PARTS.sqliteFile), config.database.file);
      chmodSync(config.database.file, 0o600);
    }
    const restoredKeys = replaceKeys(config, join(unpacked, PARTS.keys));
    const attachments = replaceAttachments(config, join(unpacked, PARTS.attachments));

    const orm = await initOrm(config, { migrations: "none" });
    let applied: string[];
    try {
      applied = await applyMigrations(orm, config);
    } finally {
      await orm.close(true);
    }
    console.log(
      `Restored the backup of ${manifest.createdAt} (DeskQL ${manifest.version}, ${manifest.dialect}): the database, ${restoredKeys} signing key(s)` +
        `${attachments ? ", the attachments" : ""}. ${applied.length ? `Applied ${applied.length} newer migration(s): ${applied.join(", ")}.` : "No migration was pending."}`,
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
