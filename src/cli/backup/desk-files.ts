import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AppConfig } from "../../config.js";

/** The desk's files besides the database: signing keys, and uploaded attachments kept on disk (ATTACHMENTS_DIR). */
export const attachmentsDir = (config: AppConfig) => config.attachments.dir;

export const keyFiles = (config: AppConfig) => (existsSync(config.jwt.keysDir) ? readdirSync(config.jwt.keysDir).filter((f) => f.endsWith(".json")) : []);

/** Copies a folder's files, keeping them readable by their owner only (keys are private). */
export function copyPrivate(from: string, to: string): void {
  mkdirSync(to, { recursive: true, mode: 0o700 });
  cpSync(from, to, { recursive: true });
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else chmodSync(join(dir, entry.name), 0o600);
    }
  };
  walk(to);
}

/** Replaces the signing keys with the archive's: a key the archive lacks must not keep verifying. */
export function replaceKeys(config: AppConfig, from: string): number {
  mkdirSync(config.jwt.keysDir, { recursive: true, mode: 0o700 });
  for (const file of keyFiles(config)) rmSync(join(config.jwt.keysDir, file));
  if (!existsSync(from)) return 0;
  copyPrivate(from, config.jwt.keysDir);
  return keyFiles(config).length;
}

export function replaceAttachments(config: AppConfig, from: string): boolean {
  const dir = attachmentsDir(config);
  if (!existsSync(from)) return false;
  rmSync(dir, { recursive: true, force: true });
  copyPrivate(from, dir);
  return true;
}

/** The version of the build running this (package.json beside src/ or dist/src/). */
export function appVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "deskql") return pkg.version ?? "0.0.0";
    }
    const parent = dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
}
