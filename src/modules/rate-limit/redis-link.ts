import { createRequire } from "node:module";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

// ioredis is required when REDIS_URL is set, not by every process at startup (~1 MB of heap).
const loadIoredis = () => (createRequire(import.meta.url)("ioredis") as typeof import("ioredis")).Redis;

/**
 * A command answered later than this counts as Redis being down: a hung server (or a partition)
 * keeps its sockets open and answers nothing, and every sign-in would wait on it otherwise.
 */
const COMMAND_TIMEOUT_MS = 1_000;

export type RedisState = "connecting" | "up" | "down";

/**
 * Redis's state as /ready shows it. The metric names are Prometheus's, so a later /metrics
 * endpoint exposes the same figures under the same names.
 */
export interface RedisStatus {
  state: RedisState;
  /** When the state last changed (ISO 8601). */
  since: string;
  /** The last connection or command error while down. */
  lastError: string | null;
  replicaCount: number;
  metrics: {
    /** 1 while Redis answers, else 0. */
    deskql_redis_up: 0 | 1;
    /** Limiter operations and claims served from memory because Redis was unreachable, since start. */
    deskql_redis_fallbacks_total: number;
  };
}

/**
 * The one Redis connection of a process, and what is known of its health. ioredis reconnects on
 * its own; this class listens to it so that the loss is logged once (warn) and the recovery once
 * (info) rather than as an unhandled error event per retry, and counts the operations that had to
 * fall back to memory meanwhile.
 */
export class RedisLink {
  readonly client: Redis;
  logger: Pick<Logger, "warn" | "info"> | undefined;
  private state: RedisState = "connecting";
  private since = new Date();
  private lastError: string | null = null;
  private fallbacks = 0;
  private closing = false;

  constructor(url: string, private readonly replicaCount: number) {
    this.client = new (loadIoredis())(url, { enableOfflineQueue: false, lazyConnect: false, maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS });
    this.client.on("ready", () => this.markUp());
    // Handled, so ioredis prints no "[ioredis] Unhandled error event"; logged once per outage.
    this.client.on("error", (error: Error) => this.markDown(error.message));
    this.client.on("close", () => this.markDown(this.lastError ?? "connection closed"));
  }

  isUp(): boolean {
    return this.state === "up";
  }

  /** An operation was served from memory. If the link looked up, a command failed on it: it is not. */
  fellBack(): void {
    this.fallbacks++;
    if (this.state === "up") this.commandFailed(new Error("a Redis command failed or timed out"));
  }

  /**
   * A command failed on a connection that looked ready (a hung server times out but keeps the
   * socket): mark it down and reconnect, so that callers go straight to memory until the new
   * connection is ready (ioredis's 'ready' then marks it up).
   */
  commandFailed(error: unknown): void {
    if (this.closing || this.state !== "up") return;
    this.markDown(error instanceof Error ? error.message : String(error));
    this.client.disconnect(true);
  }

  /** The state for /ready; a connection that looks up is pinged, so a hung server shows at once. */
  async probe(): Promise<RedisStatus> {
    if (this.state === "up") {
      try {
        await this.client.ping();
      } catch (error) {
        this.commandFailed(error);
      }
    }
    return {
      state: this.state,
      since: this.since.toISOString(),
      lastError: this.state === "up" ? null : this.lastError,
      replicaCount: this.replicaCount,
      metrics: { deskql_redis_up: this.state === "up" ? 1 : 0, deskql_redis_fallbacks_total: this.fallbacks },
    };
  }

  close(): void {
    this.closing = true;
    this.client.disconnect();
  }

  private markUp(): void {
    if (this.state === "up") return;
    const after = this.state === "down" ? Date.now() - this.since.getTime() : null;
    this.state = "up";
    this.since = new Date();
    this.lastError = null;
    if (after === null) this.logger?.info({ redis: "up" }, "redis connected: rate limits and claims are shared by every replica");
    else this.logger?.info({ redis: "up", downMs: after, fallbacks: this.fallbacks }, "redis available again: rate limits and claims are shared by every replica again");
  }

  private markDown(reason: string): void {
    this.lastError = reason;
    if (this.closing || this.state === "down") return;
    this.state = "down";
    this.since = new Date();
    this.logger?.warn(
      { redis: "down", error: reason, replicaCount: this.replicaCount },
      "redis unavailable: each replica now enforces limit / REPLICA_COUNT of every shared limit, in memory, until it reconnects",
    );
  }
}
