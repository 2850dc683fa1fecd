import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
};

describe("loadConfig", () => {
  it("starts from development defaults with an empty environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: "development",
      production: false,
      host: "localhost",
      port: 4000,
      database: { kind: "sqlite" },
      tls: { allowSelfSigned: true },
      jwt: { issuer: "https://localhost:4000", audience: "deskql-api", allowGeneratedKeys: true, accessTokenTtlSeconds: 900 },
      passwords: { minLength: 12, maxLength: 256, requireComposition: false, argon2: { memoryCost: 19_456, timeCost: 2, parallelism: 1 } },
      lockout: { maxFailures: 5, minutes: 30 },
      rateLimits: { loginPerMinute: 5, registerPerMinute: 3 },
      http: { corsOrigins: [], bodyLimitBytes: 1_048_576, requestTimeoutMs: 30_000 },
    });
    expect(config.redisUrl).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("documents a default for every query limit", () => {
    expect(loadConfig({}).queryLimits).toEqual({ maxDepth: 10, maxAliases: 15, maxTokens: 3000, maxCost: 50_000, maxDirectives: 50 });
  });

  it("treats empty values as unset, as .env files write them", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: "", CORS_ORIGINS: "" })).toMatchObject({ port: 4000, database: { kind: "sqlite" }, http: { corsOrigins: [] } });
  });

  it("reads MySQL, Redis, CORS and boolean settings", () => {
    const config = loadConfig({
      DATABASE_URL: "mysql://desk:pw@db:3306/deskql",
      REDIS_URL: "redis://cache:6379",
      CORS_ORIGINS: "https://a.example.test, https://b.example.test:8443",
      TRUST_PROXY: "yes",
      PASSWORD_REQUIRE_COMPOSITION: "1",
    });
    expect(config.database).toMatchObject({ kind: "mysql", url: "mysql://desk:pw@db:3306/deskql" });
    expect(config.redisUrl).toBe("redis://cache:6379");
    expect(config.http.corsOrigins).toEqual(["https://a.example.test", "https://b.example.test:8443"]);
    expect(config.trustProxy).toBe(true);
    expect(config.passwords.requireComposition).toBe(true);
  });

  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "-1"],
    ["NODE_ENV", "staging"],
    ["DATABASE_URL", "postgres://db/deskql"],
    ["REDIS_URL", "http://cache:6379"],
    ["PUBLIC_URL", "not a url"],
    ["TRUST_PROXY", "maybe"],
    ["BODY_LIMIT_BYTES", "10"],
    ["REQUEST_TIMEOUT_MS", "5"],
    ["ARGON2_MEMORY_KIB", "4096"],
    ["ARGON2_TIME_COST", "1"],
    ["ACCESS_TOKEN_TTL_SECONDS", "86400"],
    ["LOG_LEVEL", "loud"],
    ["ADMIN_EMAIL", "not-an-email"],
    ["SLA_FIRST_RESPONSE_MINUTES", "LOW=ten"],
    ["QUERY_MAX_DEPTH", "1000"],
    ["CORS_ORIGINS", "https://desk.example.test/app"],
    ["CORS_ORIGINS", "*"],
  ])("rejects %s=%s with a message naming the setting", (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems.join("\n")).toContain(name);
  });

  it("lists every problem at once", () => {
    const problems = problemsOf({ PORT: "abc", LOG_LEVEL: "loud", DATABASE_URL: "sqlite://x" });
    expect(problems).toHaveLength(3);
    expect(new ConfigError(problems).message).toMatch(/^Invalid configuration:\n {2}- /);
  });

  it("trusts proxies by hop count or by address, and every hop only when told true", () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "no" }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "1" }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: "10.0.0.0/8, 192.168.1.7,::1" }).trustProxy).toEqual(["10.0.0.0/8", "192.168.1.7", "::1"]);
    for (const bad of ["0.0.0.0/33", "10", "proxy.internal", "10.0.0.1/8/1", ""]) {
      expect(problemsOf({ TRUST_PROXY: bad === "" ? "," : bad }).join(), bad).toMatch(/TRUST_PROXY/);
    }
  });

  it("issues tokens in the name of the public URL unless JWT_ISSUER says otherwise", () => {
    expect(loadConfig({ PORT: "8443" }).jwt.issuer).toBe("https://localhost:8443");
    expect(loadConfig({ PUBLIC_URL: "https://desk.example.com" }).jwt.issuer).toBe("https://desk.example.com");
    expect(loadConfig({ PUBLIC_URL: "https://desk.example.com", JWT_ISSUER: "urn:desk" }).jwt.issuer).toBe("urn:desk");
  });

  it("hashes on every core while idle and keeps one for GraphQL under load, never more under load than at most", () => {
    const cores = availableParallelism();
    expect(loadConfig({}).passwords).toMatchObject({ hashConcurrency: cores, hashConcurrencyUnderLoad: Math.max(1, cores - 1) });
    expect(loadConfig({ PASSWORD_HASH_CONCURRENCY: "1" }).passwords).toMatchObject({ hashConcurrency: 1, hashConcurrencyUnderLoad: 1 });
    expect(loadConfig({ PASSWORD_HASH_CONCURRENCY: "4", PASSWORD_HASH_CONCURRENCY_UNDER_LOAD: "3" }).passwords).toMatchObject({ hashConcurrency: 4, hashConcurrencyUnderLoad: 3 });
    expect(loadConfig({ PASSWORD_HASH_CONCURRENCY: "2", PASSWORD_HASH_CONCURRENCY_UNDER_LOAD: "8" }).passwords).toMatchObject({ hashConcurrency: 2, hashConcurrencyUnderLoad: 2 });
  });

  it("refuses a minimum password length above the maximum", () => {
    expect(problemsOf({ PASSWORD_MIN_LENGTH: "100", PASSWORD_MAX_LENGTH: "64" }).join()).toMatch(/PASSWORD_MIN_LENGTH/);
  });

  it("keeps the database deadlines below a lowered REQUEST_TIMEOUT_MS without being told, and checks the ones set", () => {
    const limits = (env: Record<string, string>) => {
      const { statementTimeoutMs, transactionTimeoutMs, acquireTimeoutMs } = loadConfig(env).databaseLimits;
      return { statementTimeoutMs, transactionTimeoutMs, acquireTimeoutMs };
    };
    expect(limits({})).toEqual({ statementTimeoutMs: 5_000, transactionTimeoutMs: 10_000, acquireTimeoutMs: 3_000 });
    expect(limits({ REQUEST_TIMEOUT_MS: "600000" })).toEqual({ statementTimeoutMs: 5_000, transactionTimeoutMs: 10_000, acquireTimeoutMs: 3_000 });
    expect(limits({ REQUEST_TIMEOUT_MS: "2000" })).toEqual({ statementTimeoutMs: 333, transactionTimeoutMs: 666, acquireTimeoutMs: 1_000 });
    expect(limits({ REQUEST_TIMEOUT_MS: "1000" })).toEqual({ statementTimeoutMs: 166, transactionTimeoutMs: 333, acquireTimeoutMs: 500 });
    // A transaction deadline set alone takes the statement deadline down with it.
    expect(limits({ DATABASE_TRANSACTION_TIMEOUT_MS: "2000" })).toMatchObject({ statementTimeoutMs: 1_000, transactionTimeoutMs: 2_000 });
    const problems = problemsOf({ REQUEST_TIMEOUT_MS: "2000", DATABASE_TRANSACTION_TIMEOUT_MS: "5000", DATABASE_ACQUIRE_TIMEOUT_MS: "2000" }).join();
    expect(problems).toMatch(/DATABASE_TRANSACTION_TIMEOUT_MS must be below REQUEST_TIMEOUT_MS/);
    expect(problems).toMatch(/DATABASE_ACQUIRE_TIMEOUT_MS must be below REQUEST_TIMEOUT_MS/);
    expect(problemsOf({ DATABASE_STATEMENT_TIMEOUT_MS: "8000", DATABASE_TRANSACTION_TIMEOUT_MS: "4000" }).join()).toMatch(/DATABASE_STATEMENT_TIMEOUT_MS must not exceed/);
  });

  describe("in production", () => {
    it("refuses the embedded database", () => {
      expect(problemsOf({ NODE_ENV: "production" }).join()).toMatch(/DATABASE_URL is required in production/);
    });

    it("turns off generated keys and self-signed certificates unless explicitly allowed", () => {
      const strict = loadConfig({ NODE_ENV: "production", DATABASE_URL: "mysql://db/deskql" });
      expect(strict.tls.allowSelfSigned).toBe(false);
      expect(strict.jwt.allowGeneratedKeys).toBe(false);
      const relaxed = loadConfig({ NODE_ENV: "production", DATABASE_URL: "mysql://db/deskql", ALLOW_SELF_SIGNED_TLS: "true", ALLOW_GENERATED_KEYS: "true" });
      expect(relaxed.tls.allowSelfSigned).toBe(true);
      expect(relaxed.jwt.allowGeneratedKeys).toBe(true);
    });
  });
});

describe("settings from files (X_FILE, as Docker and Kubernetes mount secrets)", () => {
  const dir = mkdtempSync(join(tmpdir(), "deskql-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const secret = (name: string, content: string) => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  it("reads the value from the file, without the newline an editor or echo leaves", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      DATABASE_URL_FILE: secret("database-url", "mysql://desk:s3cret@db:3306/deskql\n"),
      REDIS_URL_FILE: secret("redis-url", "redis://:pw@cache:6379\r\n"),
      ADMIN_PASSWORD_FILE: secret("admin-password", "correct horse battery staple\n"),
      SMTP_URL_FILE: secret("smtp-url", "smtps://mailer:pw@smtp.example.test:465"),
    });
    expect(config.database).toMatchObject({ kind: "mysql", url: "mysql://desk:s3cret@db:3306/deskql" });
    expect(config.redisUrl).toBe("redis://:pw@cache:6379");
    expect(config.admin.password).toBe("correct horse battery staple");
    expect(config.mail.smtpUrl).toBe("smtps://mailer:pw@smtp.example.test:465");
  });

  it("validates a value from a file like one from the environment", () => {
    expect(problemsOf({ DATABASE_URL_FILE: secret("postgres-url", "postgres://db/deskql\n") }).join()).toMatch(/DATABASE_URL must start with mysql:\/\//);
  });

  it("refuses a setting given both directly and as a file", () => {
    const problems = problemsOf({ ADMIN_PASSWORD: "one password", ADMIN_PASSWORD_FILE: secret("other-password", "another one\n") });
    expect(problems).toEqual(["ADMIN_PASSWORD and ADMIN_PASSWORD_FILE are both set: set only one"]);
  });

  it("names a missing or empty file instead of starting without the setting", () => {
    expect(problemsOf({ DATABASE_URL_FILE: join(dir, "absent") })).toEqual([`DATABASE_URL_FILE: cannot read ${join(dir, "absent")} (ENOENT)`]);
    expect(problemsOf({ REDIS_URL_FILE: secret("empty", "\n") })).toEqual([`REDIS_URL_FILE: ${join(dir, "empty")} is empty`]);
  });

  it("treats an empty X_FILE as unset, like any empty setting", () => {
    expect(loadConfig({ DATABASE_URL_FILE: "" }).database.kind).toBe("sqlite");
  });
});
