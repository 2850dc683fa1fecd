import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * deploy/install.sh into a throwaway root (--root, --no-systemctl), twice, from a stand-in build
 * whose `deskql` records each call: what the script creates, that a second run changes no file
 * and no secret, and that it backs up an existing installation before replacing it. The real
 * commands it calls have their own tests (tests/integration/ops). The units are checked with
 * `systemd-analyze verify` where systemd's tools are installed.
 */
const repo = new URL("../../../", import.meta.url).pathname;
const sh = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "deskql-install-"));
const root = join(work, "root");
const build = join(work, "build");
const calls = join(work, "calls.log");

/** A built copy in miniature: the files install.sh copies, and a deskql that logs its calls. */
function standInBuild() {
  mkdirSync(join(build, "dist/src/cli"), { recursive: true });
  mkdirSync(join(build, "node_modules/some-package"), { recursive: true });
  writeFileSync(join(build, "node_modules/some-package/index.js"), "export {};\n");
  writeFileSync(join(build, "package.json"), JSON.stringify({ name: "deskql", version: "9.9.9", type: "module" }));
  writeFileSync(join(build, "dist/src/main.js"), "// the server\n");
  writeFileSync(
    join(build, "dist/src/cli/main.js"),
    `import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
const [command, ...args] = process.argv.slice(2);
const { DATA_DIR, NODE_ENV, DATABASE_URL, ADMIN_PASSWORD } = process.env;
appendFileSync(${JSON.stringify(calls)}, JSON.stringify({ command, args, DATA_DIR, NODE_ENV, DATABASE_URL, ADMIN_PASSWORD, cwd: process.cwd() }) + "\\n");
if (command === "keys") { mkdirSync(DATA_DIR + "/keys", { recursive: true }); writeFileSync(DATA_DIR + "/keys/first.json", "{}"); }
if (command === "backup") writeFileSync(args[args.indexOf("--out") + 1] + "/deskql-backup-stand-in.tar.gz", "archive");
`,
  );
}

const install = () =>
  sh("bash", [join(repo, "deploy/install.sh"), "--root", root, "--from", build, "--no-systemctl", "--database-url", "mysql://deskql:pw@127.0.0.1:3306/deskql", "--public-url", "https://desk.example.org"], { env: { PATH: process.env.PATH ?? "" } });

/** Every file under the root with its mode and content hash (backups and the call log aside). */
function tree(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const mode = (statSync(path).mode & 0o7777).toString(8);
      if (entry.isDirectory()) {
        out[`${relative(root, path)}/`] = mode;
        walk(path);
      } else out[relative(root, path)] = `${mode} ${createHash("sha256").update(readFileSync(path)).digest("hex")}`;
    }
  };
  walk(root);
  return Object.fromEntries(Object.entries(out).filter(([path]) => !path.startsWith("var/backups/deskql/deskql-backup")));
}

const logged = () => readFileSync(calls, "utf8").trim().split("\n").map((line) => JSON.parse(line) as { command: string; args: string[]; DATA_DIR: string; NODE_ENV: string; DATABASE_URL: string; ADMIN_PASSWORD: string });

let first: { stdout: string };
let afterFirst: Record<string, string>;

beforeAll(async () => {
  standInBuild();
  first = await install();
  afterFirst = tree();
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("deploy/install.sh", () => {
  it("creates the user, the folders, the settings with generated secrets, the command and the units", () => {
    expect(readFileSync(join(root, "etc/passwd"), "utf8")).toMatch(/^deskql:x:\d+:\d+::\/var\/lib\/deskql:\/usr\/sbin\/nologin$/m);
    expect(afterFirst).toMatchObject({ "etc/deskql/": "750", "var/lib/deskql/": "750", "var/lib/deskql/keys/": "700", "var/backups/deskql/": "750" });
    expect(afterFirst["etc/deskql/deskql.env"]).toMatch(/^640 /);
    expect(afterFirst["etc/deskql/backup-passphrase"]).toMatch(/^640 /);
    expect(afterFirst["usr/local/bin/deskql"]).toMatch(/^755 /);
    const env = readFileSync(join(root, "etc/deskql/deskql.env"), "utf8");
    expect(env).toMatch(/^NODE_ENV=production$/m);
    expect(env).toMatch(/^DATABASE_URL=mysql:\/\/deskql:pw@127\.0\.0\.1:3306\/deskql$/m);
    expect(env).toMatch(/^PUBLIC_URL=https:\/\/desk\.example\.org$/m);
    expect(env).toMatch(/^ADMIN_PASSWORD=[\w-]{32}$/m);
    expect(readFileSync(join(root, "etc/deskql/backup-passphrase"), "utf8")).toMatch(/^[\w-]{43}$/);
    for (const unit of ["deskql.service", "deskql-backup.service", "deskql-backup.timer"]) {
      expect(readFileSync(join(root, "etc/systemd/system", unit), "utf8")).toBe(readFileSync(join(repo, "deploy/systemd", unit), "utf8"));
    }
    expect(readFileSync(join(root, "opt/deskql/package.json"), "utf8")).toContain('"9.9.9"');
    expect(existsSync(join(root, "opt/deskql/node_modules/some-package/index.js"))).toBe(true);
  });

  it("migrates and creates the first signing key with the settings file, and takes no backup of a new installation", () => {
    expect(logged().map((c) => [c.command, ...c.args])).toEqual([["migrate"], ["keys", "rotate"]]);
    for (const call of logged()) {
      expect(call).toMatchObject({ NODE_ENV: "production", DATABASE_URL: "mysql://deskql:pw@127.0.0.1:3306/deskql", DATA_DIR: join(root, "var/lib/deskql") });
    }
    expect(first.stdout).toContain("Installing DeskQL 9.9.9");
  });

  it("run again: backs up the installed desk first, and changes no file and no secret", async () => {
    const secrets = readFileSync(join(root, "etc/deskql/deskql.env"), "utf8") + readFileSync(join(root, "etc/deskql/backup-passphrase"), "utf8");
    const again = await install();
    expect(again.stdout).toContain("Found DeskQL 9.9.9");
    expect(again.stdout).toContain("Keeping the settings");
    const second = logged().slice(2).map((c) => [c.command, ...c.args]);
    // The backup comes before anything is replaced or migrated; the key exists, so no new one.
    expect(second).toEqual([["backup", "--out", join(root, "var/backups/deskql"), "--passphrase-file", join(root, "etc/deskql/backup-passphrase")], ["migrate"]]);
    expect(readdirSync(join(root, "var/backups/deskql"))).toEqual(["deskql-backup-stand-in.tar.gz"]);
    expect(tree()).toEqual(afterFirst);
    expect(readFileSync(join(root, "etc/deskql/deskql.env"), "utf8") + readFileSync(join(root, "etc/deskql/backup-passphrase"), "utf8")).toBe(secrets);
    expect(readFileSync(join(root, "etc/passwd"), "utf8").match(/^deskql:/gm)).toHaveLength(1);
  });
});

const analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].find((path) => existsSync(path));

describe.skipIf(!analyze)("deploy/systemd (systemd-analyze verify; skipped where systemd's tools are not installed)", () => {
  it("has units systemd accepts, hardened as the runbook says", async () => {
    const units = ["deskql.service", "deskql-backup.service", "deskql-backup.timer"].map((unit) => join(repo, "deploy/systemd", unit));
    const { stderr } = await sh(analyze!, ["verify", ...units]);
    expect(stderr).toBe("");
    const service = readFileSync(units[0]!, "utf8");
    for (const line of ["User=deskql", "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/deskql", "PrivateTmp=yes", "Restart=on-failure", "EnvironmentFile=/etc/deskql/deskql.env"]) {
      expect(service.split("\n"), line).toContain(line);
    }
    expect(service.match(/^ReadWritePaths=.*$/gm)).toEqual(["ReadWritePaths=/var/lib/deskql"]);
  });
});
