import { createHash } from "node:crypto";
import { createReadStream, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { CliError, EXIT } from "../cli-error.js";

/**
 * What a backup archive holds, written last as manifest.json: enough to refuse an archive that
 * does not fit the desk (another dialect, migrations this build does not know) and to check
 * every file before anything is replaced.
 */
export interface Manifest {
  format: 1;
  app: "deskql";
  /** package.json's version of the build that wrote it. */
  version: string;
  createdAt: string;
  dialect: "mysql" | "sqlite";
  /** The migrations the database had applied, oldest first. */
  migrations: string[];
  /** Every other file of the archive, with its size and SHA-256. */
  entries: { path: string; size: number; sha256: string }[];
}

export const MANIFEST = "manifest.json";
/** Where each part lies inside the archive. */
export const PARTS = { mysqlDump: "database/dump.sql", sqliteFile: "database/deskql.sqlite", keys: "keys", attachments: "attachments" } as const;

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}

/** Every regular file under `dir`, as archive paths (forward slashes), sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(relative(dir, path).split(sep).join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

export async function writeManifest(staging: string, manifest: Omit<Manifest, "entries">): Promise<Manifest> {
  const entries = [];
  for (const path of filesUnder(staging).filter((p) => p !== MANIFEST)) {
    entries.push({ path, size: statSync(join(staging, path)).size, sha256: await sha256File(join(staging, path)) });
  }
  const full: Manifest = { ...manifest, entries };
  writeFileSync(join(staging, MANIFEST), `${JSON.stringify(full, null, 2)}\n`, { mode: 0o600 });
  return full;
}

/** Reads the extracted manifest and checks that the files are exactly the ones it lists, unchanged. */
export async function verifyExtracted(staging: string): Promise<Manifest> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(staging, MANIFEST), "utf8")) as Manifest;
  } catch {
    throw new CliError("Not a DeskQL backup: the archive has no readable manifest.json.", EXIT.dataError);
  }
  if (manifest.app !== "deskql" || manifest.format !== 1 || !Array.isArray(manifest.entries) || !Array.isArray(manifest.migrations)) {
    throw new CliError("Not a DeskQL backup, or one of a format this version cannot read (manifest.json).", EXIT.dataError);
  }
  const listed = manifest.entries.map((e) => e.path).sort();
  const present = filesUnder(staging).filter((p) => p !== MANIFEST);
  const extra = present.filter((p) => !listed.includes(p));
  const missing = listed.filter((p) => !present.includes(p));
  if (extra.length || missing.length) {
    throw new CliError(`The archive does not match its manifest (${[...missing.map((p) => `missing ${p}`), ...extra.map((p) => `unlisted ${p}`)].join(", ")}).`, EXIT.dataError);
  }
  for (const entry of manifest.entries) {
    if ((await sha256File(join(staging, entry.path))) !== entry.sha256) throw new CliError(`The archive is damaged: ${entry.path} does not match its SHA-256 in the manifest.`, EXIT.dataError);
  }
  return manifest;
}
