import { existsSync, readFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: `Linux ${release()}`,
    node: process.version,
  };
}

const KEY_PACKAGES = [
  "fastify",
  "@apollo/server",
  "@as-integrations/fastify",
  "graphql",
  "graphql-jit",
  "type-graphql",
  "graphql-shield",
  "graphql-middleware",
  "@mikro-orm/core",
  "@mikro-orm/mysql",
  "mysql2",
  "dataloader",
  "argon2",
  "jose",
  "autocannon",
];

/** Installed versions of the packages on the request path (and the load generator). */
export function packageVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of KEY_PACKAGES) {
    const file = join("node_modules", name, "package.json");
    out[name] = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version : "not installed";
  }
  return out;
}
