import type { DomainEvents } from "../../core/events/domain-events.js";
import { isStaff } from "../../core/identity.js";
import type { RequestScope } from "../../core/scope.js";
import { FOR_UPDATE } from "../../core/writes.js";
import { User } from "../users/user.entity.js";
import { Ticket } from "./ticket.entity.js";
import { ticketEvent } from "./ticket.events.js";
import { describeAction, raisedPriority, type EscalationPolicy, type SlaPhase, type SlaThreshold } from "./ticket.sla-escalation.js";
import { scheduleDeadlines, type SlaTargets } from "./ticket.sla.js";

/** One ticket crossing one threshold of one target: the escalation job's unit. */
export interface SlaCrossing {
  ticketId: string;
  number: number;
  phase: SlaPhase;
  threshold: SlaThreshold;
  dueAt: string;
}

/**
 * What happens when a ticket's SLA target is at risk or missed: an event (ticket.sla_at_risk or
 * ticket.sla_breached, staff-only, audited, mailed to whom the policy names) and the policy's
 * actions (raise the priority, reassign), all by the system, in the job unit's transaction: the
 * runner records the unit done in the same commit, so each happens once per ticket, target and
 * threshold however many replicas run the job.
 */
export class SlaEscalations {
  constructor(
    private readonly sla: SlaTargets,
    private readonly events: DomainEvents,
    readonly policy: EscalationPolicy,
  ) {}

  async escalate(tx: RequestScope, crossing: SlaCrossing, dryRun: boolean): Promise<string> {
    const ticket = await tx.em.findOne(Ticket, { id: crossing.ticketId }, dryRun ? { disableIdentityMap: true } : FOR_UPDATE);
    if (!ticket) return `#${crossing.number} is gone`;
    const phase: SlaPhase = ticket.firstResponseAt ? "RESOLUTION" : "FIRST_RESPONSE";
    const lateFirstResponse = crossing.phase === "FIRST_RESPONSE" && crossing.threshold === "BREACHED" && ticket.firstResponseLate;
    if (phase !== crossing.phase && !lateFirstResponse) return `#${crossing.number} moved on to its next target: nothing to do`;
    const actions = this.policy[crossing.threshold];
    const what = crossing.threshold === "AT_RISK" ? "at risk" : "breached";
    const plan = actions.map(describeAction).join(", ") || "no action";
    if (dryRun) return `would mark #${crossing.number} ${what} (${crossing.phase.toLowerCase().replace("_", " ")}) and ${plan}`;

    const notes: string[] = [];
    await this.events.raise(tx, {
      type: crossing.threshold === "AT_RISK" ? "ticket.sla_at_risk" : "ticket.sla_breached",
      actorId: null,
      ...ticketEvent(ticket),
      visibility: "STAFF",
      payload: {
        phase: crossing.phase,
        dueAt: crossing.dueAt,
        notifyAssignee: actions.some((a) => a.kind === "notify-assignee"),
        notify: actions.flatMap((a) => (a.kind === "notify" ? [a.email] : [])),
        actions: actions.map(describeAction),
      },
    });
    for (const action of actions) {
      if (action.kind === "raise-priority") {
        const to = raisedPriority(ticket.priority);
        if (!to) {
          notes.push("already urgent");
          continue;
        }
        const from = ticket.priority;
        ticket.setPriority(to);
        scheduleDeadlines(ticket, this.sla);
        await this.events.raise(tx, { type: "ticket.updated", actorId: null, ...ticketEvent(ticket), payload: { changes: { priority: { from, to } } } });
        notes.push(`priority ${from} -> ${to}`);
      }
      if (action.kind === "assign") {
        const agent = await tx.em.findOne(User, { email: action.email });
        if (!agent || !isStaff(agent.role) || agent.deactivatedAt) {
          notes.push(`cannot assign to ${action.email}: no active agent has that address`);
          continue;
        }
        const from = ticket.assignee?.id ?? null;
        if (from === agent.id) continue;
        ticket.assignee = tx.em.getReference(User, agent.id, { wrapped: true });
        await this.events.raise(tx, { type: "ticket.assigned", actorId: null, ...ticketEvent(ticket), payload: { from, to: agent.id } });
        notes.push(`assigned to ${action.email}`);
      }
    }
    return `#${crossing.number} ${what}: ${plan}${notes.length ? ` (${notes.join("; ")})` : ""}`;
  }
}
