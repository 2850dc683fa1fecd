import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * The process settings that keep the server's resident memory down (docs/operations.md,
 * "Memory") are read by glibc and V8 when the process starts, so they live in the environment
 * of `node`, not in .env: `npm start`, the Docker image, the systemd unit and the benchmark's
 * servers must each set all of them, to the same values.
 */
const repo = new URL("../../../", import.meta.url).pathname;
const read = (path: string) => readFileSync(repo + path, "utf8");
const NAMES = ["MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_"] as const;

/** NAME=value pairs as a shell line, an ENV line or an Environment= line writes them. */
function settingsIn(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of NAMES) {
    const match = new RegExp(`\\b${name}=("[^"]*"|\\S+)`).exec(text);
    if (match) found[name] = match[1]!.replace(/^"|"$/g, "").replace(/\s*\$\{?NODE_OPTIONS(:-)?\}?/, "").trim();
  }
  return found;
}

function benchSettings(): Record<string, string> {
  const source = read("bench/run.ts");
  const found: Record<string, string> = {};
  for (const name of NAMES) {
    const match = new RegExp(`\\b${name}: "([^"]*)"`).exec(source);
    if (match) found[name] = match[1]!;
  }
  return found;
}

describe("memory settings of the server process", () => {
  const startScript = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts.start!;
  const places = {
    "npm start": settingsIn(startScript),
    "the Docker image": settingsIn(read("docker/Dockerfile").split("\n").filter((line) => line.startsWith("ENV ")).join("\n")),
    "the systemd unit": settingsIn(read("deploy/systemd/deskql.service").split("\n").filter((line) => line.startsWith("Environment=")).join("\n")),
    "the benchmark's servers": benchSettings(),
  };

  it("npm start sets every one", () => {
    expect(Object.keys(places["npm start"]).sort()).toEqual([...NAMES].sort());
  });

  it.each(["the Docker image", "the systemd unit", "the benchmark's servers"] as const)("%s sets the same values as npm start", (place) => {
    expect(places[place]).toEqual(places["npm start"]);
  });
});
