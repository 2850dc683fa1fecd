import { pino, type Logger } from "pino";
import type { AppConfig } from "../config.js";

/**
 * Structured JSON logs. Secrets are redacted by path as a second line of defence: the request
 * log never includes bodies, but an error object might carry headers or variables.
 */
export function createLogger(config: Pick<AppConfig, "logLevel">): Logger {
  return pino({
    level: config.logLevel,
    base: { service: "deskql" },
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
  });
}
