import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig, SETTING_NAMES } from "../../src/config.js";

/** .env.example documents every setting config.ts reads, with the default it really has. */
const example = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
const entries = new Map(
  [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
);

describe(".env.example", () => {
  it("documents every setting config.ts reads", () => {
    expect(SETTING_NAMES.filter((name) => !entries.has(name))).toEqual([]);
  });

  it("documents no setting config.ts does not read", () => {
    expect([...entries.keys()].filter((name) => !SETTING_NAMES.includes(name))).toEqual([]);
  });

  it("explains each setting in a comment line above it", () => {
    const lines = example.split("\n");
    for (const name of SETTING_NAMES) {
      const at = lines.findIndex((l) => new RegExp(`^#? ?${name}=`).test(l));
      const above = lines.slice(0, at).reverse().find((l) => !/^#? ?[A-Z][A-Z0-9_]+=/.test(l));
      expect(above, name).toMatch(/^# \S/);
    }
  });

  it("shows the defaults config.ts applies", () => {
    // Loading the documented values must give the same configuration as loading nothing.
    const documented = Object.fromEntries([...entries].filter(([, value]) => value !== ""));
    const fromExample = loadConfig(documented);
    const fromNothing = loadConfig({});
    expect({ ...fromExample, jwt: { ...fromExample.jwt, keysDir: "" } }).toEqual({ ...fromNothing, jwt: { ...fromNothing.jwt, keysDir: "" } });
  });
});
