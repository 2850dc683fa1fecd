import { AsyncResource } from "node:async_hooks";
import { ChangeSetType, type EventSubscriber, type FlushEventArgs, type TransactionEventArgs } from "@mikro-orm/core";
import type { Logger } from "pino";
import type { AppConfig } from "../../config.js";
import type { Orm } from "../../db/orm.js";
import { retryDelayMs } from "./mail.backoff.js";
import type { MailTransport } from "./mail.transport.js";
import { OutboxMessage } from "./outbox-message.entity.js";

/** A claim outlives the SMTP timeouts (mail.transport.ts), so a slow send is not taken over mid-way. */
const LEASE_MS = 2 * 60_000;
const BATCH = 20;
/** A wake can arrive a moment before the row is visible (nested transactions): look once more. */
const RECHECK_AFTER_WAKE_MS = 500;
const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * Wakes the worker when a transaction that wrote outbox rows commits (or at once for a flush
 * outside a transaction), so mail goes out right after the change without tight polling.
 */
class OutboxCommitSubscriber implements EventSubscriber {
  private pending = false;

  constructor(private readonly wake: () => void) {}

  afterFlush(args: FlushEventArgs): void {
    const wroteMail = args.uow.getChangeSets().some((cs) => cs.type === ChangeSetType.CREATE && cs.entity instanceof OutboxMessage);
    if (!wroteMail) return;
    if (args.em.isInTransaction()) this.pending = true;
    else this.wake();
  }

  afterTransactionCommit(_args: TransactionEventArgs): void {
    if (!this.pending) return;
    this.pending = false;
    this.wake();
  }
}

/**
 * Delivers the outbox: claims due rows with a conditional UPDATE (works on MySQL and SQLite,
 * and keeps several instances from sending one row twice), hands them to the transport, and
 * marks them delivered or schedules a retry with exponential backoff. On start it picks up
 * whatever an earlier process left undelivered.
 */
export class MailWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private recheck = false;
  /** Not started, or stopped: no passes are scheduled. */
  private stopped = true;
  /** stop() was called: a pass in progress finishes its current batch and returns. */
  private stopping = false;
  private lastPrune = 0;
  /** Passes run in the worker's own async context, not in that of the request whose commit woke it (statement-counter.ts). */
  private scope = new AsyncResource("deskql.mail-worker");
  private logger: Pick<Logger, "info" | "warn" | "error"> | undefined;

  constructor(
    private readonly orm: Orm,
    readonly transport: MailTransport,
    private readonly config: AppConfig["mail"],
  ) {}

  start(logger?: Pick<Logger, "info" | "warn" | "error">): void {
    if (!this.stopped) return;
    this.logger = logger;
    this.stopped = false;
    this.stopping = false;
    this.scope = new AsyncResource("deskql.mail-worker");
    this.orm.em.getEventManager().registerSubscriber(
      new OutboxCommitSubscriber(() => {
        this.recheck = true;
        this.wake();
      }),
    );
    this.wake();
  }

  /** Runs a delivery pass now, or right after the one in progress. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.scope.runInAsyncScope(() => this.loop()).finally(() => {
      this.running = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
    this.transport.close();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.deliverDue();
        await this.pruneOld();
      } catch (error) {
        // The database may be briefly unreachable: rows stay, the next pass retries.
        this.logger?.error({ err: error }, "mail worker pass failed");
      }
    } while (this.again && !this.stopped);
    if (this.stopped) return;
    let delay = this.config.pollIntervalMs;
    try {
      const next = await this.nextDueAt();
      if (next) delay = Math.min(delay, Math.max(0, next.getTime() - Date.now()));
    } catch {
      // keep the poll interval
    }
    if (this.recheck) delay = Math.min(delay, RECHECK_AFTER_WAKE_MS);
    this.recheck = false;
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }

  /** Delivers every row due now; returns how many were attempted. */
  async deliverDue(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const { found, claimed } = await this.claimBatch(new Date());
      for (const message of claimed) await this.deliver(message);
      attempted += claimed.length;
      // Rows another worker claimed first drop out of the next candidate list, so this ends.
      if (found === 0 || this.stopping) return attempted;
    }
  }

  private dueWhere(now: Date) {
    return { deliveredAt: null, failedAt: null, $or: [{ claimedUntil: null }, { claimedUntil: { $lt: now } }] };
  }

  private async claimBatch(now: Date): Promise<{ found: number; claimed: OutboxMessage[] }> {
    const em = this.orm.em.fork();
    const candidates = await em.find(
      OutboxMessage,
      { ...this.dueWhere(now), nextAttemptAt: { $lte: now } },
      { orderBy: { nextAttemptAt: "ASC", id: "ASC" }, limit: BATCH, fields: ["id"] },
    );
    const lease = new Date(now.getTime() + LEASE_MS);
    const won: string[] = [];
    for (const { id } of candidates) {
      // The claim: only one worker's UPDATE matches a row that is unclaimed (or whose lease lapsed).
      if ((await em.nativeUpdate(OutboxMessage, { id, ...this.dueWhere(now) }, { claimedUntil: lease })) === 1) won.push(id);
    }
    if (!won.length) return { found: candidates.length, claimed: [] };
    const claimed = await em.fork().find(OutboxMessage, { id: { $in: won } }, { orderBy: { nextAttemptAt: "ASC", id: "ASC" } });
    return { found: candidates.length, claimed };
  }

  private async deliver(message: OutboxMessage): Promise<void> {
    const em = this.orm.em.fork();
    const attempts = message.attempts + 1;
    const mine = { id: message.id, claimedUntil: message.claimedUntil };
    try {
      await this.transport.send(message);
      const bodies = this.transport.keepsBodies ? {} : { text: null, html: null };
      await em.nativeUpdate(OutboxMessage, mine, { deliveredAt: new Date(), attempts, claimedUntil: null, ...bodies });
      this.logger?.info({ outboxId: message.id, kind: message.kind, attempts, transport: this.transport.name }, "mail delivered");
    } catch (error) {
      const now = new Date();
      const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
      const giveUp = attempts >= this.config.maxAttempts;
      const nextAttemptAt = new Date(now.getTime() + retryDelayMs(attempts, this.config.retryBaseMs, this.config.retryMaxMs));
      await em.nativeUpdate(OutboxMessage, mine, { attempts, lastError, nextAttemptAt, claimedUntil: null, failedAt: giveUp ? now : null });
      const log = { outboxId: message.id, kind: message.kind, attempts, error: lastError, nextAttemptAt: giveUp ? undefined : nextAttemptAt };
      if (giveUp) this.logger?.error(log, "mail delivery failed for good");
      else this.logger?.warn(log, "mail delivery failed; will retry");
    }
  }

  /** When the next unclaimed row falls due (rows another worker holds are its business). */
  private async nextDueAt(): Promise<Date | null> {
    const [next] = await this.orm.em
      .fork()
      .find(OutboxMessage, this.dueWhere(new Date()), { orderBy: { nextAttemptAt: "ASC" }, limit: 1, fields: ["nextAttemptAt"] });
    return next?.nextAttemptAt ?? null;
  }

  /** Delivered and failed rows go after MAIL_RETENTION_DAYS; pending ones never do. */
  private async pruneOld(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    const before = new Date(Date.now() - this.config.retentionDays * 86_400_000);
    await this.orm.em.fork().nativeDelete(OutboxMessage, { $or: [{ deliveredAt: { $lt: before } }, { failedAt: { $lt: before } }] });
  }
}
