// Run by `postinstall`, after patch-package. Compiles argon2's native addon a second time with
// AVX2 into node_modules/argon2/build-avx2/argon2.node: the portable build (npm's prebuild, or
// node-gyp's default) uses SSE2 only, and libargon2's AVX2 rounds hash about 1.5x faster
// (20 vs 31 ms per m=19 MiB, t=2 hash on this project's machines). Sign-in throughput is bound
// by that hash. patches/argon2+0.45.1.patch loads this build only when the running CPU has AVX2,
// so a Docker image built on one host still starts on another. The same patch makes argon2.cpp
// keep its block memory between hashes, which only this build (compiled after patching) has.
//
// It never fails the install: without an x64 Linux CPU with AVX2, node-gyp or a compiler, or
// when the AVX2 build does not hash exactly like the portable one, the portable build stays in
// use and one line says why. ARGON2_BUILD=portable skips it (and is honoured at run time too).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const packageDir = path.resolve("node_modules", "argon2");
const outDir = path.join(packageDir, "build-avx2");
const binary = path.join(outDir, "argon2.node");
const stamp = path.join(outDir, "built-for");

function keepPortable(reason) {
  console.log(`argon2: keeping the portable build (${reason})`);
  process.exit(0);
}

if (process.env.ARGON2_BUILD === "portable") keepPortable("ARGON2_BUILD=portable");
if (process.platform !== "linux" || process.arch !== "x64") keepPortable(`${process.platform}-${process.arch}`);
if (!existsSync(path.join(packageDir, "package.json"))) keepPortable("argon2 is not installed");
if (!/^flags\s*:.*\bavx2\b/m.test(readFileSync("/proc/cpuinfo", "utf8"))) keepPortable("this CPU has no AVX2");

// The addon is tied to argon2's version, its (patched) source and Node's ABI; anything else
// reuses the last build.
const { version } = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8"));
const source = createHash("sha256").update(readFileSync(path.join(packageDir, "argon2.cpp"))).digest("hex").slice(0, 12);
const builtFor = `argon2 ${version} (argon2.cpp ${source}), node ${process.versions.node}`;
if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, "utf8") === builtFor) {
  console.log(`argon2: AVX2 build present (${builtFor})`);
  process.exit(0);
}

// npm hands its bundled node-gyp to lifecycle scripts; run outside npm, there is none to use.
const nodeGyp = process.env.npm_config_node_gyp;
if (!nodeGyp || !existsSync(nodeGyp)) keepPortable("no node-gyp: run through npm install");

rmSync(outDir, { recursive: true, force: true });
const workDir = path.join(outDir, "src");
mkdirSync(workDir, { recursive: true });
for (const entry of ["binding.gyp", "argon2.cpp", "argon2"]) {
  cpSync(path.join(packageDir, entry), path.join(workDir, entry), { recursive: true });
}

const started = Date.now();
const compile = spawnSync(process.execPath, [nodeGyp, "rebuild"], {
  cwd: workDir,
  env: { ...process.env, CFLAGS: `${process.env.CFLAGS ?? ""} -mavx2`.trim() },
  encoding: "utf8",
});
if (compile.status !== 0) {
  rmSync(outDir, { recursive: true, force: true });
  const lastError = `${compile.stderr ?? ""}${compile.error?.message ?? ""}`.trim().split("\n").findLast((line) => /err/i.test(line));
  keepPortable(`compiling failed: ${lastError ?? `exit ${compile.status}`}`);
}
renameSync(path.join(workDir, "build", "Release", "argon2.node"), binary);
rmSync(workDir, { recursive: true, force: true });

// A different answer from the portable build would lock every user out: compare them on
// RFC 9106's argon2id vector and on the parameters sign-ins use, the latter twice (the second
// hash runs in kept memory, then again after releasing it), in a child process so that a
// broken binary cannot take this script down with it.
const check = spawnSync(process.execPath, ["--input-type=commonjs", "-e", String.raw`
  const portable = require("node-gyp-build")(${JSON.stringify(packageDir)});
  const avx2 = require(${JSON.stringify(binary)});
  const cases = [
    { password: Buffer.alloc(32, 1), salt: Buffer.alloc(16, 2), secret: Buffer.alloc(8, 3), data: Buffer.alloc(12, 4), m: 32, t: 3, p: 4 },
    { password: Buffer.from("correct horse battery staple"), salt: Buffer.alloc(16, 7), secret: Buffer.alloc(0), data: Buffer.alloc(0), m: 19456, t: 2, p: 1 },
  ].map((c) => ({ hashLength: 32, type: 2, version: 0x13, ...c }));
  const rfc9106 = "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659";
  (async () => {
    for (const [i, c] of [...cases, cases[1], "release", cases[1]].entries()) {
      if (c === "release") { avx2.releaseMemory(); continue; }
      const [a, b] = await Promise.all([portable.hash(c), avx2.hash(c)]);
      if (!a.equals(b) || (i === 0 && b.toString("hex") !== rfc9106)) throw new Error("hashes differ");
    }
  })().catch((e) => { console.error(e.message); process.exit(1); });
`], { encoding: "utf8" });
if (check.status !== 0) {
  rmSync(outDir, { recursive: true, force: true });
  keepPortable(`the AVX2 build failed its check: ${check.stderr.trim() || `signal ${check.signal}`}`);
}
writeFileSync(stamp, builtFor);
console.log(`argon2: AVX2 build ready in ${((Date.now() - started) / 1000).toFixed(0)} s (${builtFor})`);
