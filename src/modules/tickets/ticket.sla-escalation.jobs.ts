import { defineJob, type JobDefinition } from "../../core/jobs.js";
import { Ticket } from "./ticket.entity.js";
import { TicketStatus } from "./ticket.enums.js";
import type { SlaCrossing, SlaEscalations } from "./ticket.sla-escalation.service.js";

/** How far back a crossing is still acted on: the job runs every minute, so a day covers any outage of the runner. */
const WINDOW_MS = 24 * 3_600_000;
const RUNNING = [TicketStatus.OPEN, TicketStatus.IN_PROGRESS];

/**
 * SLA escalations (SLA_ESCALATIONS): every minute, the tickets whose running target is at risk or
 * was missed in the last day, each crossing keyed by ticket, target and threshold so it is acted
 * on once (ticket.sla-escalation.service.ts). The lists use the stored deadlines and their indexes.
 */
export function slaEscalationJob(escalations: SlaEscalations): JobDefinition<SlaCrossing> {
  return defineJob<SlaCrossing>({
    name: "sla.escalations",
    description: "Raises SLA at-risk and breach events once per ticket and target, and runs the escalation actions of SLA_ESCALATIONS.",
    schedule: "* * * * *",
    async units(scope) {
      const now = scope.clock.now();
      const since = new Date(now.getTime() - WINDOW_MS);
      const fields = ["id", "number", "firstResponseAt", "slaDueAt", "firstResponseDueAt"] as const;
      const running = { status: { $in: RUNNING }, clockPausedSince: null };
      const [atRisk, breached, lateFirst] = await Promise.all([
        scope.em.find(Ticket, { ...running, slaAtRiskAt: { $lte: now }, slaDueAt: { $gte: now } }, { fields: [...fields], disableIdentityMap: true }),
        scope.em.find(Ticket, { ...running, slaDueAt: { $lt: now, $gte: since } }, { fields: [...fields], disableIdentityMap: true }),
        // A first response that came late before the job saw the deadline pass.
        scope.em.find(Ticket, { firstResponseLate: true, firstResponseAt: { $gte: since } }, { fields: [...fields], disableIdentityMap: true }),
      ]);
      const unit = (t: Pick<Ticket, "id" | "number" | "firstResponseAt" | "firstResponseDueAt" | "slaDueAt">, threshold: SlaCrossing["threshold"], phase?: SlaCrossing["phase"]) => {
        const p = phase ?? (t.firstResponseAt ? "RESOLUTION" : "FIRST_RESPONSE");
        const dueAt = (p === "FIRST_RESPONSE" ? t.firstResponseDueAt : t.slaDueAt).toISOString();
        return { key: `${t.id}:${p}:${threshold}`, data: { ticketId: t.id, number: t.number, phase: p, threshold, dueAt } };
      };
      return [...atRisk.map((t) => unit(t, "AT_RISK")), ...breached.map((t) => unit(t, "BREACHED")), ...lateFirst.map((t) => unit(t, "BREACHED", "FIRST_RESPONSE"))];
    },
    run: (scope, { data }, { dryRun }) => escalations.escalate(scope, data, dryRun),
  });
}
