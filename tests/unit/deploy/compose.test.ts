import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig, SETTING_NAMES } from "../../../src/config.js";

/** docker/: the compose file, its Caddyfile and the image, read as Docker would read them (no engine runs here). */
const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8");

/** Compose's interpolation with an empty environment: ${X:-default}, ${X-default}, ${X:?error}, ${X}, $$. */
function interpolate(value: unknown): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\$|\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}/g, (whole, _name: string, op?: string, arg?: string) => {
      if (whole === "$$") return "$";
      if (op?.endsWith("?")) throw new Error(`compose refuses to start without a variable: ${whole}`);
      return op ? arg! : "";
    });
  }
  if (Array.isArray(value)) return value.map(interpolate);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
  return value;
}

type Service = {
  image?: string;
  command?: string[];
  restart?: string;
  read_only?: boolean;
  environment?: Record<string, string>;
  secrets?: string[];
  ports?: string[];
  deploy?: { replicas?: number | string };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  healthcheck?: { disable?: boolean };
  volumes?: string[];
};
const compose = interpolate(parse(read("docker/docker-compose.yml"), { merge: true })) as {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
};
const { services } = compose;
const app = services.app!;
const env = app.environment!;
const caddyfile = read("docker/Caddyfile");

const dir = mkdtempSync(join(tmpdir(), "deskql-compose-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("docker/docker-compose.yml", () => {
  it("runs two or more app replicas, reachable only through the proxy", () => {
    expect(Number(app.deploy?.replicas)).toBeGreaterThanOrEqual(2);
    expect(app.ports).toBeUndefined();
    expect(services.proxy?.ports?.some((p) => p.endsWith(":443"))).toBe(true);
    expect(services.proxy?.depends_on?.app).toEqual({ condition: "service_healthy" });
    // While Redis is down each replica enforces limit / REPLICA_COUNT.
    expect(env.REPLICA_COUNT).toBe(String(app.deploy?.replicas));
  });

  it("migrates once, in its own one-shot service that every replica waits for", () => {
    const migrate = services.migrate!;
    expect(migrate.restart).toBe("no");
    expect(migrate.command?.join(" ")).toMatch(/node dist\/src\/cli\/main\.js migrate/);
    expect(migrate.healthcheck).toEqual({ disable: true });
    expect(migrate.depends_on?.mariadb).toEqual({ condition: "service_healthy" });
    expect(app.depends_on?.migrate).toEqual({ condition: "service_completed_successfully" });
    expect(env.MIGRATE_ON_START).toBe("false");
    expect(migrate.image).toBe(app.image);
  });

  it("trusts exactly the one proxy hop in front of the replicas", () => {
    expect(env.TRUST_PROXY).toBe("1");
  });

  it("hands every secret over as a file, never as an environment variable", () => {
    for (const [name, service] of Object.entries(services)) {
      const variables = service.environment ?? {};
      expect(Object.keys(variables).filter((v) => /^(DATABASE_URL|ADMIN_PASSWORD|SMTP_URL|MARIADB_PASSWORD|MARIADB_ROOT_PASSWORD)$/.test(v)), name).toEqual([]);
      // A URL with credentials in it is a secret too (the Redis here has no password).
      expect(Object.entries(variables).filter(([, value]) => /^\w+:\/\/[^/\s]*@/.test(value)), name).toEqual([]);
      for (const [variable, path] of Object.entries(variables).filter(([v]) => v.endsWith("_FILE"))) {
        const secret = posix.basename(path);
        expect(path, `${name} ${variable}`).toBe(`/run/secrets/${secret}`);
        expect(service.secrets, `${name} mounts ${secret}`).toContain(secret);
        expect(compose.secrets[secret]?.file, secret).toMatch(/^\.\/secrets\//);
      }
    }
    expect(read(".gitignore")).toMatch(/^docker\/secrets\/?$/m);
    expect(read(".dockerignore")).toMatch(/^docker\/secrets\/?$/m);
  });

  it("gives the server settings it accepts in production", () => {
    expect(Object.keys(env).filter((name) => !SETTING_NAMES.includes(name))).toEqual([]);
    const standIn = (secret: string, content: string) => {
      const file = join(dir, secret);
      writeFileSync(file, content);
      return file;
    };
    const withFiles = Object.fromEntries(
      Object.entries(env).map(([name, value]) => {
        if (!value.startsWith("/run/secrets/")) return [name, value];
        const secret = posix.basename(value);
        return [name, standIn(secret, secret === "database_url" ? "mysql://deskql:pw@mariadb:3306/deskql\n" : "a long enough password\n")];
      }),
    );
    // NODE_ENV=production comes from the image.
    expect(() => loadConfig({ NODE_ENV: "production", ...withFiles })).not.toThrow();
  });

  it("lets a stopping replica drain before Docker kills it", () => {
    const graceSeconds = Number(app.stop_grace_period?.replace(/s$/, ""));
    expect(graceSeconds * 1000).toBeGreaterThan(Number(env.SHUTDOWN_GRACE_MS));
  });

  it("runs DeskQL containers on a read-only file system, MariaDB with its password from a file", () => {
    expect(app.read_only).toBe(true);
    expect(services.migrate?.read_only).toBe(true);
    expect(services.mariadb?.environment?.MARIADB_PASSWORD_FILE).toBe("/run/secrets/db_password");
  });
});

describe("docker/Caddyfile", () => {
  it("proxies to every replica of the app service on the server's port, over verified HTTPS", () => {
    expect(caddyfile).toMatch(new RegExp(`dynamic a \\{\\s*name app\\s*port ${env.PORT}\\b`));
    // The replicas present the backend_cert secret; Caddy trusts exactly that certificate.
    expect(env.TLS_CERT_FILE).toBe("/run/secrets/backend_cert");
    expect(caddyfile).toMatch(/tls_trust_pool file \/run\/secrets\/backend_cert\b/);
    expect(services.proxy?.secrets).toContain("backend_cert");
    expect(caddyfile).not.toMatch(/tls_insecure_skip_verify/);
    expect(services.proxy?.volumes).toContain("./Caddyfile:/etc/caddy/Caddyfile:ro");
  });
});

describe("docker/Dockerfile", () => {
  const dockerfile = read("docker/Dockerfile");

  it("reports healthy only when the server is ready for traffic", () => {
    const healthcheck = dockerfile.match(/^HEALTHCHECK[^\n]*\\\n[^\n]*/m)?.[0] ?? "";
    expect(healthcheck).toMatch(/path:'\/ready'/);
  });

  it("runs every npm script the operator documents show without compiling anything", () => {
    const { scripts } = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    // The commands in the operator documents' shell blocks.
    const blocks = [read("docs/operations.md"), read("docker/README.md")].flatMap((doc) => [...doc.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1]!));
    const documented = new Set(blocks.flatMap((block) => [...block.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!)));
    expect(documented.size).toBeGreaterThan(0);
    for (const name of documented) {
      const script = scripts[name];
      expect(script, name).toBeDefined();
      // The image has dist/ but no swc: a build step must be skipped there.
      expect(script!.replace("npm run build:server:if-swc", ""), name).not.toMatch(/swc|tsc|npm run build/);
    }
    expect(scripts["build:server:if-swc"]).toBe("[ ! -e node_modules/.bin/swc ] || npm run build:server");
  });
});
