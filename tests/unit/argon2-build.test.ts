import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// scripts/build-argon2-avx2.js compiles argon2 with AVX2 at install and patches/argon2+0.45.1.patch
// picks that build at load time. Both builds must produce the same hashes, or every stored
// password would stop verifying when a server moves between hosts.
const avx2Binary = path.resolve("node_modules/argon2/build-avx2/argon2.node");
const cpuHasAvx2 = process.platform === "linux" && process.arch === "x64" && /^flags\s*:.*\bavx2\b/m.test(readFileSync("/proc/cpuinfo", "utf8"));

/** Hashes in a fresh process, so that the patched loader chooses its build under `env`. */
function hashIn(env: NodeJS.ProcessEnv): { build: string; hash: string; verifiesOther: boolean } {
  const script = `
    const argon2 = require("argon2");
    const options = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1, salt: Buffer.alloc(16, 9) };
    (async () => {
      const hash = await argon2.hash("correct horse battery", options);
      // OTHER_HASH: a hash the other build made, to verify across builds.
      const verifiesOther = await argon2.verify(process.env.OTHER_HASH || hash, "correct horse battery");
      console.log(JSON.stringify({ build: argon2.build, hash, verifiesOther }));
    })();`;
  const out = execFileSync(process.execPath, ["--input-type=commonjs", "-e", script], { env: { ...process.env, ...env }, encoding: "utf8" });
  return JSON.parse(out);
}

describe("argon2's native build", () => {
  it("uses the portable build when ARGON2_BUILD=portable", () => {
    expect(hashIn({ ARGON2_BUILD: "portable" }).build).toBe("portable");
  });

  it.runIf(existsSync(avx2Binary))("uses the AVX2 build on a CPU with AVX2, and only there", () => {
    expect(hashIn({ ARGON2_BUILD: "" }).build).toBe(cpuHasAvx2 ? "avx2" : "portable");
  });

  it("hashes and verifies identically in both builds", () => {
    const portable = hashIn({ ARGON2_BUILD: "portable" });
    const chosen = hashIn({ ARGON2_BUILD: "", OTHER_HASH: portable.hash });
    expect(chosen.hash).toBe(portable.hash);
    expect(chosen.verifiesOther).toBe(true);
    expect(hashIn({ ARGON2_BUILD: "portable", OTHER_HASH: chosen.hash }).verifiesOther).toBe(true);
  });

  it.runIf(existsSync(avx2Binary) && cpuHasAvx2)("keeps the AVX2 build's block memory between hashes until releaseMemory()", () => {
    const script = `
      const argon2 = require("argon2");
      const options = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1, salt: Buffer.alloc(16, 9) };
      (async () => {
        const first = await argon2.hash("correct horse battery", options);
        const kept = process.memoryUsage().rss;
        const again = await argon2.hash("correct horse battery", options); // in the kept block
        argon2.releaseMemory();
        const released = process.memoryUsage().rss;
        const afterRelease = await argon2.hash("correct horse battery", options);
        console.log(JSON.stringify({ same: first === again && again === afterRelease, freedMiB: (kept - released) / 2 ** 20 }));
      })();`;
    const out = JSON.parse(execFileSync(process.execPath, ["--input-type=commonjs", "-e", script], { encoding: "utf8" }));
    expect(out.same).toBe(true);
    // One block of m = 19,456 KiB was kept after the first hash, and is returned on release.
    expect(out.freedMiB).toBeGreaterThan(15);
  });
});
