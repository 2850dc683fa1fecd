import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { ServiceUnavailableError } from "../core/errors.js";
import type { Orm } from "../db/orm.js";
import { databaseFailureOf, type DatabaseFailure } from "../db/outage.js";
import { sendError } from "./error-envelope.js";

declare module "fastify" {
  interface FastifyInstance {
    /** The database's availability as the requests found it (outage.ts). */
    outage: DatabaseOutage;
  }
}

/** At most one warning per kind of failure in this long, whatever the request rate. */
const WARN_EVERY_MS = 60_000;
/** How often an unreachable database is probed, and how long a probe may take. */
const PROBE_EVERY_MS = 500;
const PROBE_TIMEOUT_MS = 1_000;

/**
 * An outage is a state, not a stream of errors. The first request that finds the database
 * unreachable opens it (one warning, no stack, no SQL); from then on every request that needs the
 * database is answered 503 SERVICE_UNAVAILABLE with Retry-After at once, without waiting on a
 * connection, while a probe checks the database twice a second; the first probe that succeeds
 * closes it (one line). Timeouts (a statement or a lock wait past its deadline) are answered the
 * same way but do not open an outage: the database answers, one query was slow.
 */
export class DatabaseOutage {
  private down = false;
  private since = 0;
  private readonly lastWarned = new Map<DatabaseFailure, number>();
  private probe: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly orm: Orm,
    private readonly logger: Logger,
    readonly retryAfterSeconds: number,
  ) {}

  /** Whether requests that need the database are being turned away. */
  get unavailable(): boolean {
    return this.down;
  }

  /** The 503 answered while the outage lasts. */
  error(): ServiceUnavailableError {
    return new ServiceUnavailableError("unavailable", this.retryAfterSeconds);
  }

  /** A database failure as the 503 to answer (noting an outage), or undefined for any other error. */
  classify(error: unknown): ServiceUnavailableError | undefined {
    if (error instanceof ServiceUnavailableError) return error;
    const failure = databaseFailureOf(error);
    if (!failure) return undefined;
    this.note(failure, error);
    return new ServiceUnavailableError(failure, this.retryAfterSeconds);
  }

  /** Stops probing (shutdown). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.probe);
  }

  private note(failure: DatabaseFailure, error: unknown): void {
    const code = codeOf(error);
    if (failure === "unavailable" && !this.down) {
      this.down = true;
      this.since = Date.now();
      this.lastWarned.set(failure, this.since);
      this.logger.warn({ code }, "database unreachable: answering 503 SERVICE_UNAVAILABLE until it is back");
      this.scheduleProbe();
      return;
    }
    const last = this.lastWarned.get(failure) ?? -Infinity;
    if (Date.now() - last < WARN_EVERY_MS) return;
    this.lastWarned.set(failure, Date.now());
    const message =
      failure === "unavailable"
        ? "database still unreachable"
        : failure === "timeout"
          ? "database work ran past its deadline and was rolled back: answering 503 SERVICE_UNAVAILABLE (further ones this minute are not logged)"
          : "a commit was not confirmed before its deadline: its outcome is unknown";
    this.logger.warn({ code, ...(this.down ? { downForMs: Date.now() - this.since } : {}) }, message);
  }

  private scheduleProbe(): void {
    if (this.stopped) return;
    this.probe = setTimeout(() => void this.runProbe(), PROBE_EVERY_MS);
    this.probe.unref();
  }

  private async runProbe(): Promise<void> {
    if (await this.reachable()) {
      this.down = false;
      this.lastWarned.delete("unavailable");
      this.logger.info({ downForMs: Date.now() - this.since }, "database reachable again");
      return;
    }
    this.scheduleProbe();
  }

  private async reachable(): Promise<boolean> {
    return probeDatabase(this.orm, PROBE_TIMEOUT_MS);
  }
}

/** Whether the database answers a trivial statement within `timeoutMs`, whatever it does meanwhile. */
export async function probeDatabase(orm: Orm, timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const ping = orm.em
    .fork()
    .getConnection()
    .execute("select 1")
    .then(
      () => true,
      () => false,
    );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function codeOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++, e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const name = (e as { name?: unknown }).name;
    if (name === "KnexTimeoutError") return "POOL_ACQUIRE_TIMEOUT";
  }
  return undefined;
}

/**
 * Registers the outage on the app and answers 503 at once, while it lasts, on every route that
 * needs the database: those behind the auth edge (`config.auth`) and the /auth cookie routes.
 */
export function registerOutage(app: FastifyInstance, outage: DatabaseOutage): void {
  app.decorate("outage", outage);
  app.addHook("onRequest", async (request, reply) => {
    if (!outage.unavailable) return;
    const needsDatabase = request.routeOptions.config?.auth !== undefined || request.routeOptions.url?.startsWith("/auth/");
    if (!needsDatabase) return;
    return sendError(request, reply, outage.error());
  });
}
