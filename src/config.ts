import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { z } from "zod";
import { isTimeZone, parseHolidays, parseWeek, type BusinessCalendar } from "./modules/tickets/business-hours.js";
import { DEFAULT_ESCALATIONS, parseEscalations, type EscalationPolicy } from "./modules/tickets/ticket.sla-escalation.js";
import { parseOidcProviders } from "./config.oidc.js";
import { parseJobSchedules } from "./config.jobs.js";

/**
 * The one place that reads the environment. Every setting is validated here and the rest of
 * the code receives a typed, frozen `AppConfig`; `.env.example` documents each variable.
 */

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const csv = z
  .string()
  .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean));

// Browsers send Origin as scheme://host[:port]: an entry with a path, a trailing slash or "*"
// would silently never match, so it is refused rather than ignored.
const isOrigin = (value: string) => {
  try {
    return /^https?:$/.test(new URL(value).protocol) && new URL(value).origin === value;
  } catch {
    return false;
  }
};
const origins = csv.pipe(z.array(z.string().refine(isOrigin, "must be origins like https://desk.example.com (scheme://host[:port], no path)")));

/** An IPv4/IPv6 address, optionally with a CIDR prefix length, as Fastify's trustProxy takes them. */
function isProxyAddress(entry: string): boolean {
  const [address, bits, ...rest] = entry.split("/");
  const version = isIP(address ?? "");
  if (!version || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("localhost"),
  PORT: int(0, 65535).default(4000),
  PUBLIC_URL: z.url().optional(),
  TRUST_PROXY: z
    .string()
    .transform((v, ctx) => {
      const value = v.trim().toLowerCase();
      if (["false", "no", "0"].includes(value)) return false;
      if (["true", "yes"].includes(value)) return true;
      if (/^[1-9]$/.test(value)) return Number(value); // hops: the last N addresses of X-Forwarded-For are proxies
      const proxies = value.split(",").map((p) => p.trim()).filter(Boolean);
      if (proxies.length && proxies.every(isProxyAddress)) return proxies;
      ctx.addIssue({ code: "custom", message: "must be true, false, a number of proxy hops (1-9), or proxy addresses/CIDRs separated by commas" });
      return z.NEVER;
    })
    .default(false),

  TLS_CERT_FILE: z.string().default("ssl/cert.pem"),
  TLS_KEY_FILE: z.string().default("ssl/key.pem"),
  ALLOW_SELF_SIGNED_TLS: bool.default(false),

  DATA_DIR: z.string().default("data"),
  DATABASE_URL: z
    .string()
    .regex(/^(mysql|mariadb):\/\//, "DATABASE_URL must start with mysql:// or mariadb://")
    .optional(),
  DATABASE_POOL_MAX: int(1, 200).default(10),
  DATABASE_DEBUG: bool.default(false),
  // Start-up (src/db/orm.ts, startup-lock.ts): migrate at start, or wait for the migration Job to.
  MIGRATE_ON_START: bool.default(true),
  MIGRATIONS_WAIT_SECONDS: int(1, 3600).default(60),
  // Unset, they follow REQUEST_TIMEOUT_MS (databaseDeadlines below): 5 s, 10 s and 3 s at its 30 s.
  DATABASE_STATEMENT_TIMEOUT_MS: int(100, 600_000).optional(),
  DATABASE_TRANSACTION_TIMEOUT_MS: int(100, 600_000).optional(),
  DATABASE_ACQUIRE_TIMEOUT_MS: int(100, 600_000).optional(),
  RETRY_AFTER_SECONDS: int(1, 3600).default(5),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "REDIS_URL must start with redis:// or rediss://").optional(),
  REDIS_REQUIRED: bool.default(false),
  REPLICA_COUNT: int(1, 1000).default(1),
  EVENTS_POLL_MS: int(50, 10_000).default(500),

  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).default("deskql-api"),
  JWT_KEYS_DIR: z.string().optional(),
  ALLOW_GENERATED_KEYS: bool.default(false),
  ACCESS_TOKEN_TTL_SECONDS: int(60, 3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: int(1, 365).default(30),
  SESSION_IDLE_MINUTES: int(1, 60 * 24 * 30).default(60),
  REFRESH_REUSE_GRACE_SECONDS: int(0, 60).default(5),

  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(1).optional(),

  PASSWORD_MIN_LENGTH: int(8, 128).default(12),
  PASSWORD_MAX_LENGTH: int(64, 1024).default(256),
  PASSWORD_REQUIRE_COMPOSITION: bool.default(false),
  ARGON2_MEMORY_KIB: int(19_456, 1_048_576).default(19_456),
  ARGON2_TIME_COST: int(2, 20).default(2),
  ARGON2_PARALLELISM: int(1, 16).default(1),
  // Hashes run on libuv's pool (src/modules/auth/hash-slots.ts): up to one per core while the
  // event loop is idle, one core fewer while it serves other requests, so a sign-in flood always
  // leaves a core to GraphQL. On 2 cores: two hashes at a time, one under load.
  PASSWORD_HASH_CONCURRENCY: int(1, 64).default(availableParallelism()),
  PASSWORD_HASH_CONCURRENCY_UNDER_LOAD: int(1, 64).optional(),

  LOGIN_MAX_FAILURES: int(1, 100).default(5),
  LOCKOUT_MINUTES: int(1, 24 * 60).default(30),
  RATE_LIMIT_LOGIN_PER_MINUTE: int(1, 10_000).default(5),
  RATE_LIMIT_REGISTER_PER_MINUTE: int(1, 10_000).default(3),

  CORS_ORIGINS: origins.default([]),
  BODY_LIMIT_BYTES: int(1024, 50 * 1024 * 1024).default(1024 * 1024),
  REQUEST_TIMEOUT_MS: int(1000, 600_000).default(30_000),
  SHUTDOWN_GRACE_MS: int(0, 120_000).default(10_000),

  QUERY_MAX_DEPTH: int(2, 50).default(10),
  QUERY_MAX_ALIASES: int(1, 500).default(15),
  QUERY_MAX_TOKENS: int(100, 100_000).default(3000),
  QUERY_MAX_COST: int(100, 1_000_000).default(50_000),
  QUERY_MAX_DIRECTIVES: int(1, 500).default(50),
  EXPOSE_SQL_STATEMENT_COUNT: bool.optional(),
  GRAPHQL_JIT: bool.default(true),
  HEAP_GROWTH_PERCENT: int(0, 300).default(100),

  SLA_FIRST_RESPONSE_MINUTES: z
    .string()
    .default("LOW=1440,NORMAL=480,HIGH=120,URGENT=30")
    .transform(parsePriorityMinutes),
  SLA_RESOLUTION_MINUTES: z
    .string()
    .default("LOW=10080,NORMAL=4320,HIGH=1440,URGENT=240")
    .transform(parsePriorityMinutes),
  /** A running target is "at risk" (due soon) once this share of it is used up. */
  SLA_AT_RISK_PERCENT: int(1, 99).default(80),
  /** Business hours the SLA clocks count, e.g. "Mon-Fri 09:00-17:00"; unset: every hour of every day. */
  SLA_BUSINESS_HOURS: z.string().trim().optional(),
  SLA_TIME_ZONE: z.string().trim().default("UTC").refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin"),
  /** Local dates the desk is closed, e.g. "2026-12-25,2026-12-26". */
  SLA_HOLIDAYS: z.string().trim().default(""),
  /** What happens when a ticket's SLA target is at risk or missed (ticket.sla-escalation.ts). */
  SLA_ESCALATIONS: z.string().trim().default(DEFAULT_ESCALATIONS),

  // AI triage (src/modules/triage): the built-in model always; a language model when TRIAGE_LLM_URL is set.
  TRIAGE_LLM_URL: z.string().url().optional(),
  TRIAGE_LLM_API: z.enum(["ollama", "openai"]).default("ollama"),
  TRIAGE_LLM_MODEL: z.string().trim().min(1).default("llama3.2"),
  TRIAGE_LLM_API_KEY: z.string().optional(),
  TRIAGE_LLM_TIMEOUT_MS: int(100, 120_000).default(10_000),
  TRIAGE_MODEL_MAX_AGE_MINUTES: int(1, 10_080).default(60),

  // Mail (src/modules/mail): "outbox" keeps messages in the database only (the admin `outbox` query is the mailbox).
  MAIL_TRANSPORT: z.enum(["outbox", "smtp"]).default("outbox"),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://").optional(),
  MAIL_FROM: z.string().min(3).default("DeskQL <no-reply@localhost>"),
  MAIL_POLL_INTERVAL_MS: int(100, 600_000).default(15_000),
  MAIL_RETRY_BASE_MS: int(10, 3_600_000).default(30_000),
  MAIL_RETRY_MAX_MS: int(100, 86_400_000).default(3_600_000),
  MAIL_MAX_ATTEMPTS: int(1, 100).default(10),
  MAIL_RETENTION_DAYS: int(1, 3650).default(30),

  // Account flows (src/modules/account).
  REQUIRE_VERIFIED_EMAIL: bool.default(false),
  MAGIC_LINK_ENABLED: bool.default(true),
  RATE_LIMIT_ACCOUNT_EMAILS_PER_HOUR: int(1, 10_000).default(5),
  RATE_LIMIT_ACCOUNT_EMAILS_PER_IP_PER_HOUR: int(1, 100_000).default(30),
  // Second factor (src/modules/mfa): TOTP secrets' encryption key, the role policy's default, passkeys.
  MFA_ENCRYPTION_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "must be 32 random bytes in base64 (openssl rand -base64 32)").optional(),
  MFA_REQUIRED_ROLES: csv.pipe(z.array(z.enum(["CUSTOMER", "AGENT", "ADMIN"]))).optional(),
  MFA_GRACE_DAYS: int(0, 365).default(7),
  WEBAUTHN_RP_ID: z.string().min(1).optional(),
  WEBAUTHN_RP_NAME: z.string().min(1).default("DeskQL"),
  WEBAUTHN_ORIGINS: origins.optional(),
  // Single sign-on and invitations (src/modules/sso, src/modules/invitations).
  OIDC_PROVIDERS: z.string().optional().transform(parseOidcProviders),
  INVITATION_TTL_DAYS: int(1, 90).default(7),

  // Integrators: personal API tokens and the GraphQL cost budget (src/modules/api-tokens, rate-limit).
  API_TOKEN_MAX_DAYS: int(1, 3650).default(366),
  RATE_LIMIT_POINTS_PER_HOUR: int(1, 100_000_000).default(5000),
  RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: int(1, 100_000_000).default(1000),
  JWT_KEYS_RELOAD_SECONDS: int(1, 3600).default(60),

  // The event feed and webhooks (src/modules/events, src/modules/webhooks).
  EVENT_RETENTION_DAYS: int(1, 3650).default(90),
  WEBHOOK_ALLOW_HTTP: bool.default(false),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: bool.default(false),
  WEBHOOK_ALLOWED_NETWORKS: csv.pipe(z.array(z.string().refine(isProxyAddress, "must be IP addresses or CIDRs separated by commas"))).default([]),
  WEBHOOK_TIMEOUT_MS: int(100, 60_000).default(10_000),
  WEBHOOK_POLL_INTERVAL_MS: int(100, 600_000).default(10_000),
  WEBHOOK_RETRY_BASE_MS: int(10, 3_600_000).default(30_000),
  WEBHOOK_RETRY_MAX_MS: int(100, 86_400_000).default(4 * 3_600_000),
  WEBHOOK_RETRY_HOURS: int(24, 24 * 30).default(72),
  WEBHOOK_DISABLE_AFTER_DAYS: int(1, 365).default(5),
  WEBHOOK_SECRET_GRACE_HOURS: int(0, 24 * 30).default(24),

  // GraphQL subscriptions over WebSocket (src/server/websocket.ts).
  SUBSCRIPTION_SOCKETS_PER_USER: int(1, 1000).default(10),
  SUBSCRIPTIONS_PER_SOCKET: int(1, 1000).default(25),

  // Attachments (src/modules/attachments): limits, type policy, and where files are kept.
  ATTACHMENT_MAX_BYTES: int(1, 5 * 1024 ** 3).default(25 * 1024 * 1024),
  ATTACHMENT_TICKET_MAX_BYTES: int(1, 1024 ** 4).default(100 * 1024 * 1024),
  ATTACHMENT_DENIED_TYPES: csv.default(["application/x-msdownload", "application/x-dosexec", "application/vnd.microsoft.portable-executable", "application/x-elf", "application/x-mach-binary", "application/x-msi", "application/x-sharedlib", "application/x-executable", "application/java-archive", "application/vnd.android.package-archive", "application/x-apple-diskimage", "application/x-deb", "application/x-rpm"]),
  ATTACHMENT_ALLOWED_TYPES: csv.default([]),
  ATTACHMENT_UNATTACHED_HOURS: int(1, 24 * 30).default(24),
  ATTACHMENTS_DIR: z.string().optional(),
  S3_ENDPOINT: z.url().optional(),
  S3_BUCKET: z.string().min(3).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: bool.default(false),

  // Email intake (src/modules/intake): an IMAP mailbox and/or an inbound SMTP listener; both off unless set.
  INTAKE_IMAP_URL: z.url({ protocol: /^imaps?$/, error: "INTAKE_IMAP_URL must be an imap:// or imaps:// URL" }).optional(),
  INTAKE_IMAP_PASSWORD: z.string().min(1).optional(),
  INTAKE_IMAP_TLS_INSECURE: bool.default(false),
  INTAKE_POLL_SECONDS: int(1, 3600).default(60),
  INTAKE_SMTP_PORT: int(0, 65535).optional(),
  INTAKE_SMTP_HOST: z.string().min(1).default("127.0.0.1"),
  INTAKE_MAX_BYTES: int(1024, 1024 ** 3).default(40 * 1024 * 1024),
  INTAKE_UNKNOWN_SENDERS: z.enum(["create", "reject"]).default("create"),
  INTAKE_OTHER_REPLIES: z.enum(["hold", "reject"]).default("hold"),
  INTAKE_CLOSED_REPLIES: z.enum(["new", "reject"]).default("new"),

  // Background jobs (src/modules/jobs) and the ticket life cycle they run; Idempotency-Key (src/graphql/idempotency.plugin.ts).
  JOBS_ENABLED: bool.default(true),
  JOBS_SCHEDULES: z.string().optional().transform(parseJobSchedules),
  JOBS_CONCURRENCY: int(1, 64).default(4),
  JOBS_MAX_RETRIES: int(0, 20).default(3),
  JOBS_RETRY_BASE_MS: int(10, 3_600_000).default(1000),
  JOBS_LEASE_SECONDS: int(1, 86_400).default(300),
  TICKETS_AUTO_CLOSE_DAYS: int(0, 365).default(7),
  TICKETS_CLOSE_REMINDER_DAYS: int(0, 365).default(5),
  TICKETS_WAITING_REMINDER_DAYS: int(0, 365).default(3),
  TAGS_MODE: z.enum(["free", "curated"]).default("free"),
  IDEMPOTENCY_KEY_HOURS: int(1, 24 * 7).default(24),

  CLIENT_DIR: z.string().default("frontend/dist"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  // Metrics and traces (src/server/observability). /metrics is served only where asked for: on
  // METRICS_PORT (bound to METRICS_HOST, loopback by default) and/or the main port with METRICS_TOKEN.
  METRICS_PORT: int(0, 65535).optional(),
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  METRICS_TOKEN: z.string().min(16, "METRICS_TOKEN must be at least 16 characters").optional(),
  METRICS_MAX_OPERATION_NAMES: int(1, 10_000).default(200),
  // OpenTelemetry's own variable names; tracing is off (no SDK loaded) while the endpoint is unset.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: "OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL" }).optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default("deskql"),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  TRACING_RESOLVER_SPANS: bool.default(false),

});

/**
 * Secret settings that may come from a file instead (Docker and Kubernetes secrets): X_FILE names
 * a file holding X, so the value stays out of `docker inspect` and the process environment.
 */
const FILE_SETTINGS = ["DATABASE_URL", "REDIS_URL", "ADMIN_PASSWORD", "SMTP_URL", "S3_SECRET_ACCESS_KEY", "MFA_ENCRYPTION_KEY", "OIDC_PROVIDERS", "METRICS_TOKEN", "OTEL_EXPORTER_OTLP_HEADERS", "TRIAGE_LLM_API_KEY", "INTAKE_IMAP_URL", "INTAKE_IMAP_PASSWORD"] as const;

/** Every environment variable the server reads (documented one by one in .env.example). */
export const SETTING_NAMES: readonly string[] = [...Object.keys(envSchema.shape), ...FILE_SETTINGS.map((name) => `${name}_FILE`)];

/** Replaces each X_FILE with X read from the file, without its trailing newline; both set is a mistake. */
function readSettingFiles(env: Record<string, string>, problems: string[]): Record<string, string> {
  const out = { ...env };
  for (const name of FILE_SETTINGS) {
    const file = env[`${name}_FILE`];
    if (file === undefined) continue;
    delete out[`${name}_FILE`];
    if (env[name] !== undefined) {
      problems.push(`${name} and ${name}_FILE are both set: set only one`);
      continue;
    }
    try {
      const value = readFileSync(file, "utf8").replace(/[\r\n]+$/, "");
      if (value) out[name] = value;
      else problems.push(`${name}_FILE: ${file} is empty`);
    } catch (error) {
      problems.push(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  return out;
}

/** OTEL_EXPORTER_OTLP_HEADERS: `key=value` pairs separated by commas, values URL-encoded (the OpenTelemetry format). */
function parseOtlpHeaders(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (value ?? "").split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    const raw = pair.slice(at + 1).trim();
    try {
      out[pair.slice(0, at).trim()] = decodeURIComponent(raw);
    } catch {
      out[pair.slice(0, at).trim()] = raw;
    }
  }
  return out;
}

function slaEscalations(spec: string, problems: string[]): EscalationPolicy {
  try {
    return parseEscalations(spec);
  } catch (error) {
    problems.push(`SLA_ESCALATIONS: ${(error as Error).message}`);
    return parseEscalations("");
  }
}

/** The SLA calendar from SLA_BUSINESS_HOURS, SLA_TIME_ZONE and SLA_HOLIDAYS; null: every second counts. */
function slaCalendar(e: { SLA_BUSINESS_HOURS?: string; SLA_TIME_ZONE: string; SLA_HOLIDAYS: string }, problems: string[]): BusinessCalendar | null {
  if (!e.SLA_BUSINESS_HOURS) {
    if (e.SLA_HOLIDAYS) problems.push("SLA_HOLIDAYS: holidays need business hours (set SLA_BUSINESS_HOURS)");
    return null;
  }
  try {
    const week = parseWeek(e.SLA_BUSINESS_HOURS);
    return { name: `${e.SLA_BUSINESS_HOURS} (${e.SLA_TIME_ZONE})`, timeZone: e.SLA_TIME_ZONE, week, holidays: parseHolidays(e.SLA_HOLIDAYS) };
  } catch (error) {
    problems.push(`SLA_BUSINESS_HOURS / SLA_HOLIDAYS: ${(error as Error).message}`);
    return null;
  }
}

function parsePriorityMinutes(value: string, ctx: z.RefinementCtx) {
  const out: Record<string, number> = {};
  for (const part of value.split(",")) {
    const [key, minutes] = part.split("=").map((s) => s.trim());
    const n = Number(minutes);
    if (!["LOW", "NORMAL", "HIGH", "URGENT"].includes(key ?? "") || !Number.isInteger(n) || n <= 0) {
      ctx.addIssue({ code: "custom", message: `expected PRIORITY=minutes pairs, got "${part}"` });
      return z.NEVER;
    }
    out[key!] = n;
  }
  return out as Record<"LOW" | "NORMAL" | "HIGH" | "URGENT", number>;
}

export type AppConfig = ReturnType<typeof loadConfig>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * The database deadlines, each as set or, unset, derived from REQUEST_TIMEOUT_MS (a third for a
 * transaction, half of that for a statement, half of the request to get a connection (a connect under load needs its second); at most 10, 5 and 3 s):
 * an operator who lowers REQUEST_TIMEOUT_MS keeps them below it without setting three more.
 */
function databaseDeadlines(e: z.infer<typeof envSchema>): { statementTimeoutMs: number; transactionTimeoutMs: number; acquireTimeoutMs: number } {
  const transactionTimeoutMs = e.DATABASE_TRANSACTION_TIMEOUT_MS ?? Math.min(10_000, Math.floor(e.REQUEST_TIMEOUT_MS / 3));
  return {
    statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS ?? Math.max(100, Math.min(5_000, Math.floor(transactionTimeoutMs / 2))),
    transactionTimeoutMs,
    acquireTimeoutMs: e.DATABASE_ACQUIRE_TIMEOUT_MS ?? Math.min(3_000, Math.floor(e.REQUEST_TIMEOUT_MS / 2)),
  };
}

/** Reads and validates settings; throws ConfigError listing every problem at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  // Empty strings mean "unset": `.env` files commonly carry `KEY=`.
  const fileProblems: string[] = [];
  const cleaned = readSettingFiles(Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== "")), fileProblems);
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success || fileProblems.length) {
    throw new ConfigError([...fileProblems, ...(parsed.error?.issues ?? []).map((i) => `${i.path.join(".") || "env"}: ${i.message}`)]);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  const production = e.NODE_ENV === "production";

  const problems: string[] = [];
  const db = databaseDeadlines(e);
  if (e.PASSWORD_MIN_LENGTH > e.PASSWORD_MAX_LENGTH) problems.push("PASSWORD_MIN_LENGTH must not exceed PASSWORD_MAX_LENGTH");
  if (production && !e.DATABASE_URL) problems.push("DATABASE_URL is required in production (the embedded database is for development)");
  if (e.MAIL_TRANSPORT === "smtp" && !e.SMTP_URL) problems.push("SMTP_URL is required when MAIL_TRANSPORT=smtp");
  // A request's database work must end (done or rolled back) before its connection is cut, so it is answered.
  if (db.statementTimeoutMs > db.transactionTimeoutMs) problems.push("DATABASE_STATEMENT_TIMEOUT_MS must not exceed DATABASE_TRANSACTION_TIMEOUT_MS");
  if (db.transactionTimeoutMs >= e.REQUEST_TIMEOUT_MS) problems.push("DATABASE_TRANSACTION_TIMEOUT_MS must be below REQUEST_TIMEOUT_MS");
  if (db.acquireTimeoutMs >= e.REQUEST_TIMEOUT_MS) problems.push("DATABASE_ACQUIRE_TIMEOUT_MS must be below REQUEST_TIMEOUT_MS");
  if (e.MAIL_RETRY_BASE_MS > e.MAIL_RETRY_MAX_MS) problems.push("MAIL_RETRY_BASE_MS must not exceed MAIL_RETRY_MAX_MS");
  if (e.WEBHOOK_RETRY_BASE_MS > e.WEBHOOK_RETRY_MAX_MS) problems.push("WEBHOOK_RETRY_BASE_MS must not exceed WEBHOOK_RETRY_MAX_MS");
  if (e.TICKETS_AUTO_CLOSE_DAYS && e.TICKETS_CLOSE_REMINDER_DAYS >= e.TICKETS_AUTO_CLOSE_DAYS) problems.push("TICKETS_CLOSE_REMINDER_DAYS must be below TICKETS_AUTO_CLOSE_DAYS (the reminder comes first)");
  const calendar = slaCalendar(e, problems);
  const escalations = slaEscalations(e.SLA_ESCALATIONS, problems);
  if (problems.length) throw new ConfigError(problems);

  return Object.freeze({
    env: e.NODE_ENV,
    production,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL ?? `https://localhost:${e.PORT}`,
    trustProxy: e.TRUST_PROXY,
    tls: {
      certFile: resolve(e.TLS_CERT_FILE),
      keyFile: resolve(e.TLS_KEY_FILE),
      // Self-signed certificates are a development convenience; production must opt in.
      allowSelfSigned: !production || e.ALLOW_SELF_SIGNED_TLS,
    },
    dataDir,
    database: e.DATABASE_URL
      ? { kind: "mysql" as const, url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX, debug: e.DATABASE_DEBUG }
      : { kind: "sqlite" as const, file: resolve(dataDir, "deskql.sqlite"), poolMax: 1, debug: e.DATABASE_DEBUG },
    /** Migrate at start under the startup lock, or wait for another process to; how long to wait for either. */
    migrations: { onStart: e.MIGRATE_ON_START, waitSeconds: e.MIGRATIONS_WAIT_SECONDS },
    /** Deadlines of a request's database work (db/session-limits.ts, DomainEvents.transaction) and the Retry-After of a 503. */
    databaseLimits: {
      ...db,
      retryAfterSeconds: e.RETRY_AFTER_SECONDS,
    },
    redisUrl: e.REDIS_URL,
    /** /ready answers 503 rather than "degraded" while a configured Redis is down. */
    redisRequired: e.REDIS_REQUIRED,
    /** While Redis is down, each replica enforces its share of a shared limit: limit / replicaCount. */
    replicaCount: e.REPLICA_COUNT,
    /** How often a replica reads the events table for what other processes committed (db/event-tail.ts). */
    eventsPollMs: e.EVENTS_POLL_MS,
    jwt: {
      issuer: e.JWT_ISSUER ?? e.PUBLIC_URL ?? `https://localhost:${e.PORT}`,
      audience: e.JWT_AUDIENCE,
      keysDir: resolve(e.JWT_KEYS_DIR ?? resolve(dataDir, "keys")),
      // Generated signing keys are a development convenience; production must provide or opt in.
      allowGeneratedKeys: !production || e.ALLOW_GENERATED_KEYS,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
      sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
      refreshReuseGraceSeconds: e.REFRESH_REUSE_GRACE_SECONDS,
      keysReloadSeconds: e.JWT_KEYS_RELOAD_SECONDS,
    },
    admin: { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD },
    passwords: {
      minLength: e.PASSWORD_MIN_LENGTH,
      maxLength: e.PASSWORD_MAX_LENGTH,
      requireComposition: e.PASSWORD_REQUIRE_COMPOSITION,
      argon2: { memoryCost: e.ARGON2_MEMORY_KIB, timeCost: e.ARGON2_TIME_COST, parallelism: e.ARGON2_PARALLELISM },
      hashConcurrency: e.PASSWORD_HASH_CONCURRENCY,
      hashConcurrencyUnderLoad: Math.min(e.PASSWORD_HASH_CONCURRENCY, e.PASSWORD_HASH_CONCURRENCY_UNDER_LOAD ?? Math.max(1, availableParallelism() - 1)),
    },
    lockout: { maxFailures: e.LOGIN_MAX_FAILURES, minutes: e.LOCKOUT_MINUTES },
    rateLimits: { loginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE, registerPerMinute: e.RATE_LIMIT_REGISTER_PER_MINUTE },
    http: {
      corsOrigins: e.CORS_ORIGINS,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    },
    queryLimits: {
      maxDepth: e.QUERY_MAX_DEPTH,
      maxAliases: e.QUERY_MAX_ALIASES,
      maxTokens: e.QUERY_MAX_TOKENS,
      maxCost: e.QUERY_MAX_COST,
      maxDirectives: e.QUERY_MAX_DIRECTIVES,
    },
    triage: {
      llm: e.TRIAGE_LLM_URL ? { api: e.TRIAGE_LLM_API, url: e.TRIAGE_LLM_URL, model: e.TRIAGE_LLM_MODEL, apiKey: e.TRIAGE_LLM_API_KEY ?? null, timeoutMs: e.TRIAGE_LLM_TIMEOUT_MS } : null,
      maxAgeMinutes: e.TRIAGE_MODEL_MAX_AGE_MINUTES,
    },
    sla: { firstResponseMinutes: e.SLA_FIRST_RESPONSE_MINUTES, resolutionMinutes: e.SLA_RESOLUTION_MINUTES, atRiskPercent: e.SLA_AT_RISK_PERCENT, calendar, escalations },
    /** Execute operations with graphql-jit (src/graphql/jit-executor.ts); false runs graphql-js's executor. */
    graphqlJit: e.GRAPHQL_JIT,
    /** V8's old-generation growth past the live heap before the next full collection (src/server/heap-growth.ts); 0: V8's default. */
    heapGrowthPercent: e.HEAP_GROWTH_PERCENT,
    // Each response's SQL statement count as an x-sql-statements header: on under NODE_ENV=test, opt-in elsewhere.
    exposeStatementCount: e.EXPOSE_SQL_STATEMENT_COUNT ?? e.NODE_ENV === "test",
    mail: {
      transport: e.MAIL_TRANSPORT,
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      pollIntervalMs: e.MAIL_POLL_INTERVAL_MS,
      retryBaseMs: e.MAIL_RETRY_BASE_MS,
      retryMaxMs: e.MAIL_RETRY_MAX_MS,
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
      retentionDays: e.MAIL_RETENTION_DAYS,
    },
    account: {
      requireVerifiedEmail: e.REQUIRE_VERIFIED_EMAIL,
      magicLinkEnabled: e.MAGIC_LINK_ENABLED,
      emailsPerHour: e.RATE_LIMIT_ACCOUNT_EMAILS_PER_HOUR,
      emailsPerIpPerHour: e.RATE_LIMIT_ACCOUNT_EMAILS_PER_IP_PER_HOUR,
    },
    mfa: {
      /** Null: the key file in the keys folder (generated when absent, like the signing keys). */
      encryptionKey: e.MFA_ENCRYPTION_KEY ?? null,
      encryptionKeyFile: resolve(e.JWT_KEYS_DIR ?? resolve(dataDir, "keys"), "mfa-encryption.key"),
      allowGeneratedKey: !production || e.ALLOW_GENERATED_KEYS,
      // Admins must have a second factor in production unless the operator says otherwise.
      requiredRoles: e.MFA_REQUIRED_ROLES ?? (production ? ["ADMIN" as const] : []),
      graceDays: e.MFA_GRACE_DAYS,
      rpId: e.WEBAUTHN_RP_ID ?? new URL(e.PUBLIC_URL ?? `https://localhost:${e.PORT}`).hostname,
      rpName: e.WEBAUTHN_RP_NAME,
      origins: e.WEBAUTHN_ORIGINS ?? [new URL(e.PUBLIC_URL ?? `https://localhost:${e.PORT}`).origin],
    },
    apiTokens: { maxDays: e.API_TOKEN_MAX_DAYS },
    sso: { providers: e.OIDC_PROVIDERS },
    invitations: { ttlDays: e.INVITATION_TTL_DAYS },
    events: { retentionDays: e.EVENT_RETENTION_DAYS },
    jobs: {
      enabled: e.JOBS_ENABLED,
      schedules: e.JOBS_SCHEDULES,
      concurrency: e.JOBS_CONCURRENCY,
      maxRetries: e.JOBS_MAX_RETRIES,
      retryBaseMs: e.JOBS_RETRY_BASE_MS,
      leaseSeconds: e.JOBS_LEASE_SECONDS,
    },
    /** Ticket life cycle jobs (lifecycle/ticket-lifecycle.jobs.ts), in days; 0 turns one off. */
    lifecycle: { autoCloseDays: e.TICKETS_AUTO_CLOSE_DAYS, closeReminderDays: e.TICKETS_CLOSE_REMINDER_DAYS, waitingReminderDays: e.TICKETS_WAITING_REMINDER_DAYS },
    /** Tags (modules/tags): "free", agents create tags by using them; "curated", only admins create them. */
    tags: { mode: e.TAGS_MODE },
    idempotency: { keyHours: e.IDEMPOTENCY_KEY_HOURS },
    webhooks: {
      allowHttp: e.WEBHOOK_ALLOW_HTTP,
      allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      allowedNetworks: e.WEBHOOK_ALLOWED_NETWORKS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      pollIntervalMs: e.WEBHOOK_POLL_INTERVAL_MS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
      retryHours: e.WEBHOOK_RETRY_HOURS,
      disableAfterDays: e.WEBHOOK_DISABLE_AFTER_DAYS,
      secretGraceHours: e.WEBHOOK_SECRET_GRACE_HOURS,
    },
    subscriptions: { socketsPerUser: e.SUBSCRIPTION_SOCKETS_PER_USER, perSocket: e.SUBSCRIPTIONS_PER_SOCKET },
    queryBudget: { pointsPerHour: e.RATE_LIMIT_POINTS_PER_HOUR, anonymousPointsPerHour: e.RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR },
    attachments: {
      maxBytes: e.ATTACHMENT_MAX_BYTES,
      ticketMaxBytes: e.ATTACHMENT_TICKET_MAX_BYTES,
      deniedTypes: e.ATTACHMENT_DENIED_TYPES,
      allowedTypes: e.ATTACHMENT_ALLOWED_TYPES,
      unattachedHours: e.ATTACHMENT_UNATTACHED_HOURS,
      dir: resolve(e.ATTACHMENTS_DIR ?? resolve(dataDir, "attachments")),
      // S3-compatible object storage when a bucket is named; the local folder otherwise.
      s3: e.S3_BUCKET
        ? { endpoint: e.S3_ENDPOINT, bucket: e.S3_BUCKET, region: e.S3_REGION, accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY, forcePathStyle: e.S3_FORCE_PATH_STYLE }
        : null,
    },
    /** Email intake (src/modules/intake); `imap` and `smtp` are null while unset. */
    intake: {
      imap: e.INTAKE_IMAP_URL ? { url: e.INTAKE_IMAP_URL, password: e.INTAKE_IMAP_PASSWORD ?? null, tlsInsecure: e.INTAKE_IMAP_TLS_INSECURE, pollSeconds: e.INTAKE_POLL_SECONDS } : null,
      smtp: e.INTAKE_SMTP_PORT !== undefined ? { port: e.INTAKE_SMTP_PORT, host: e.INTAKE_SMTP_HOST } : null,
      maxBytes: e.INTAKE_MAX_BYTES,
      unknownSenders: e.INTAKE_UNKNOWN_SENDERS,
      otherReplies: e.INTAKE_OTHER_REPLIES,
      closedReplies: e.INTAKE_CLOSED_REPLIES,
    },
    clientDir: resolve(e.CLIENT_DIR),
    logLevel: e.LOG_LEVEL,
    /** src/server/observability: metrics (off unless a port or a token is set) and traces (off unless an OTLP endpoint is). */
    observability: {
      metrics: {
        enabled: e.METRICS_PORT !== undefined || e.METRICS_TOKEN !== undefined,
        port: e.METRICS_PORT,
        host: e.METRICS_HOST,
        token: e.METRICS_TOKEN,
        maxOperationNames: e.METRICS_MAX_OPERATION_NAMES,
      },
      tracing: e.OTEL_EXPORTER_OTLP_ENDPOINT
        ? {
            endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
            headers: parseOtlpHeaders(e.OTEL_EXPORTER_OTLP_HEADERS),
            serviceName: e.OTEL_SERVICE_NAME,
            sampleRatio: e.OTEL_TRACES_SAMPLER_ARG,
            resolverSpans: e.TRACING_RESOLVER_SPANS,
          }
        : null,
    },
  });
}
