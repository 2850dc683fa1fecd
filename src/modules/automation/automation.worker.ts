import { LockMode } from "@mikro-orm/core";
import type { Logger } from "pino";
import type { Clock } from "../../core/clock.js";
import type { CommittedEvent } from "../../core/events/catalog.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { systemScope } from "../../core/scope.js";
import { WakeableLoop } from "../../core/wakeable-loop.js";
import { Counter } from "../../db/counter.entity.js";
import { DomainEventRecord } from "../../db/domain-event.entity.js";
import type { Orm } from "../../db/orm.js";
import { AUTOMATION_CURSOR, type AutomationService } from "./automation.service.js";
import { triggerOf } from "./automation.rules-model.js";

const BATCH = 100;
/** Events raised by rules carry this request id prefix: rules never start rules, so they cannot loop. */
export const AUTOMATION_REQUEST = "automation:";

/**
 * Runs the automation rules on committed events, exactly once each, in commit order: a pass locks
 * the `counters` row "automation" (FOR UPDATE SKIP LOCKED on MySQL/MariaDB, so one replica at a
 * time works and the others skip the pass), reads the events after its position, applies the
 * rules of each event's trigger, and advances the position in the same transaction as the rules'
 * changes. A crash before the commit leaves the position where it was: the events run again,
 * nothing was kept of the first try. The cursor starts at the newest event when the first rule is
 * created, so old events never start new rules.
 */
export class AutomationWorker {
  private clock!: () => Clock;
  private logger?: Pick<Logger, "error" | "warn">;
  private readonly loop = new WakeableLoop(
    "deskql.automation-worker",
    async () => {
      while ((await this.pass()) === BATCH && !this.loop.stopped);
    },
    () => this.pollIntervalMs,
    (error) => this.logger?.error({ err: error }, "automation pass failed"),
  );

  constructor(
    private readonly orm: Orm,
    private readonly events: DomainEvents,
    private readonly automation: AutomationService,
    private readonly pollIntervalMs: number,
    private readonly locks: boolean,
  ) {}

  start(clock: () => Clock, logger: Pick<Logger, "error" | "warn">): void {
    this.clock = clock;
    this.logger = logger;
    this.loop.start();
  }

  /**
   * Only events that could start a rule wake a pass (people's, not rules', with a trigger and a
   * ticket, as pass() reads them): a sign-in woke a locking transaction for nothing. The cursor
   * steps over the others at the next pass.
   */
  onCommitted = (events: readonly CommittedEvent[]): void => {
    if (events.some(mayStartRules)) this.loop.wake();
  };

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Resolves once no pass is running (tests). */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  /** One batch of events; returns how many were read. */
  async pass(): Promise<number> {
    const em = this.orm.em.fork();
    const scope = systemScope(em, this.clock(), `${AUTOMATION_REQUEST}worker`);
    return this.events.transaction(scope, async (tx) => {
      const cursor = await tx.em.findOne(Counter, { name: AUTOMATION_CURSOR }, this.locks ? { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE } : {});
      if (!cursor) return 0; // no rule was ever created (or another replica holds the cursor)
      const batch = await tx.em.find(DomainEventRecord, { position: { $gt: cursor.value } }, { orderBy: { position: "asc" }, limit: BATCH, disableIdentityMap: true });
      for (const record of batch) {
        if (record.requestId?.startsWith(AUTOMATION_REQUEST)) continue;
        const trigger = triggerOf(record.type, (record.payload ?? {}) as Record<string, unknown>);
        const ticketId = record.ticketId;
        if (!trigger || !ticketId) continue;
        for (const rule of await this.automation.rulesFor(tx, trigger)) {
          const ruleScope = { ...tx, request: { ...tx.request, requestId: `${AUTOMATION_REQUEST}${rule.id}` } };
          await this.automation.apply(ruleScope, rule, ticketId, { type: record.type, position: Number(record.position) });
        }
      }
      if (batch.length) cursor.value = Number(batch.at(-1)!.position);
      return batch.length;
    });
  }
}

function mayStartRules(event: CommittedEvent): boolean {
  if (event.requestId?.startsWith(AUTOMATION_REQUEST) || !event.refs.ticketId) return false;
  return triggerOf(event.type, (event.payload ?? {}) as Record<string, unknown>) !== null;
}
