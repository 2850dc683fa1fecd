import { pino, stdSerializers, type DestinationStream, type Logger, type LoggerOptions } from "pino";
import type { AppConfig } from "../config.js";
import { isDriverError } from "../db/outage.js";

// What a driver error carries that may hold row values: the SQL with its parameters, the server's message
// ("Duplicate entry 'someone@example.com' for key ..."), the parameters themselves.
const SQL_FIELDS = ["sql", "sqlMessage", "query", "params", "parameters", "bindings", "values"];

/**
 * The `err` serializer: driver errors (mysql2, knex, MikroORM's wrappers) keep their type, code and
 * stack frames, but not their message, which MikroORM fills with the statement and its values.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const serialized = stdSerializers.err(error) as unknown as Record<string, unknown>;
  if (!isDriverError(error)) return serialized;
  return scrub(serialized);
}

function scrub(serialized: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...serialized };
  for (const field of SQL_FIELDS) delete out[field];
  const code = typeof out.code === "string" ? out.code : typeof out.errno === "number" ? `errno ${out.errno}` : "no code";
  out.message = `[database error ${code}: message withheld, it may hold SQL values]`;
  if (typeof out.stack === "string") out.stack = out.stack.split("\n").filter((line) => /^\s+at /.test(line)).join("\n");
  if (out.cause && typeof out.cause === "object") out.cause = scrub(out.cause as Record<string, unknown>);
  return out;
}

/**
 * Structured JSON logs. Secrets are redacted by path as a second line of defence: the request
 * log never includes bodies, but an error object might carry headers or variables.
 */
export function createLogger(config: Pick<AppConfig, "logLevel">, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: config.logLevel,
    base: { service: "deskql" },
    serializers: { err: serializeError, error: serializeError },
    redact: {
      paths: [
        "req.headers.authorization",
        "req.headers.cookie",
        "headers.authorization",
        "headers.cookie",
        "*.password",
        "*.newPassword",
        "*.currentPassword",
        "*.refreshToken",
        "*.accessToken",
        "*.token",
        "variables",
      ],
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
