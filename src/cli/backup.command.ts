import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import * as tar from "tar";
import type { AppConfig } from "../config.js";
import { MANIFEST, PARTS, writeManifest } from "./backup/archive.js";
import { appVersion, attachmentsDir, copyPrivate, keyFiles } from "./backup/desk-files.js";
import { encryptingStream, readPassphrase } from "./backup/encryption.js";
import { dumpMysql } from "./backup/mysql-dump.js";
import { snapshotSqlite } from "./backup/sqlite-snapshot.js";
import { CliError } from "./cli-error.js";

export interface BackupOptions {
  /** A file, or an existing folder to write `deskql-backup-<time>.tar.gz[.enc]` into (default: the working folder). */
  out?: string;
  passphraseFile?: string;
  /** With a folder as `out`: keep only this many newest backups in it. */
  keep?: number;
}

const PREFIX = "deskql-backup-";

/** Where the archive goes: `out` itself, or a time-stamped name inside the folder `out`. */
function target(out: string | undefined, encrypted: boolean, asFolder: boolean): { file: string; folder?: string } {
  const suffix = encrypted ? ".tar.gz.enc" : ".tar.gz";
  const name = () => `${PREFIX}${new Date().toISOString().replace(/[:.]/g, "-")}${suffix}`;
  const path = resolve(out ?? ".");
  if (out === undefined || asFolder || out.endsWith("/") || (existsSync(path) && statSync(path).isDirectory())) {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    return { file: join(path, name()), folder: path };
  }
  return { file: path };
}

/** Keeps the `keep` newest backups of a folder (by name: they sort by their time stamp). */
function prune(folder: string, keep: number): string[] {
  const backups = readdirSync(folder).filter((f) => f.startsWith(PREFIX) && /\.tar\.gz(\.enc)?$/.test(f)).sort();
  const old = backups.slice(0, Math.max(0, backups.length - keep));
  for (const file of old) rmSync(join(folder, file));
  return old;
}

/**
 * `deskql backup`: one archive (tar + gzip, optionally encrypted) with a consistent copy of the
 * database, the signing keys, the attachments where they exist and a manifest with each file's
 * SHA-256. Runs beside a serving desk. Returns the archive's path.
 */
export async function backup(config: AppConfig, options: BackupOptions): Promise<string> {
  const passphrase = options.passphraseFile ? await readPassphrase(options.passphraseFile) : undefined;
  // With --keep, --out names a folder of backups (created when missing).
  const { file, folder } = target(options.out, passphrase !== undefined, options.keep !== undefined);
  mkdirSync(dirname(file), { recursive: true });
  if (config.database.kind === "sqlite" && !existsSync(config.database.file)) throw new CliError(`There is no database to back up at ${config.database.file}.`, 1);

  // Staged beside the archive: the same file system, which the operator chose for its size.
  const staging = mkdtempSync(join(dirname(file), ".deskql-backup-"));
  const partial = `${file}.partial`;
  try {
    mkdirSync(join(staging, "database"), { mode: 0o700 });
    let migrations: string[];
    let summary: string;
    if (config.database.kind === "mysql") {
      const dump = await dumpMysql(config.database.url, join(staging, PARTS.mysqlDump));
      migrations = dump.migrations;
      summary = `database: ${dump.tables} tables, ${dump.rows} rows`;
    } else {
      migrations = await snapshotSqlite(config, config.database, join(staging, PARTS.sqliteFile));
      summary = "database: the embedded database";
    }
    const keys = keyFiles(config);
    if (keys.length) copyPrivate(config.jwt.keysDir, join(staging, PARTS.keys));
    // In object storage (S3_BUCKET) they are not ours to copy: the bucket's versioning or replication keeps them.
    const attachments = !config.attachments.s3 && existsSync(attachmentsDir(config));
    if (config.attachments.s3) console.warn(`Attachments live in the bucket ${config.attachments.s3.bucket}: this archive does not hold them (back the bucket up with its own versioning or replication).`);
    if (attachments) copyPrivate(attachmentsDir(config), join(staging, PARTS.attachments));
    await writeManifest(staging, { format: 1, app: "deskql", version: appVersion(), createdAt: new Date().toISOString(), dialect: config.database.kind, migrations });

    const parts = [MANIFEST, "database", ...(keys.length ? [PARTS.keys] : []), ...(attachments ? [PARTS.attachments] : [])];
    const archive = tar.c({ gzip: true, cwd: staging, portable: true }, parts);
    const sink = createWriteStream(partial, { mode: 0o600 });
    await (passphrase ? pipeline(archive, await encryptingStream(passphrase), sink) : pipeline(archive, sink));
    renameSync(partial, file);
    console.log(`Wrote ${file} (${summary}; ${keys.length} signing key(s)${attachments ? "; attachments" : ""}; ${migrations.length} migrations${passphrase ? "; encrypted" : ""}).`);
    if (folder && options.keep !== undefined) {
      const removed = prune(folder, options.keep);
      if (removed.length) console.log(`Removed ${removed.length} older backup(s): ${removed.map((f) => basename(f)).join(", ")}`);
    }
    return file;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
}
