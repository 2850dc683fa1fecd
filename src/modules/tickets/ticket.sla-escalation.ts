import { Priority } from "../../core/priority.js";

/** The two SLA thresholds that raise an event and run their escalation actions, once each per ticket and target. */
export type SlaThreshold = "AT_RISK" | "BREACHED";

/** Which target a threshold was crossed for: the first response's, or (after it) the resolution's. */
export type SlaPhase = "FIRST_RESPONSE" | "RESOLUTION";

/** What the desk does when a ticket crosses a threshold. */
export type EscalationAction =
  | { kind: "notify-assignee" }
  | { kind: "notify"; email: string }
  | { kind: "raise-priority" }
  | { kind: "assign"; email: string };

export type EscalationPolicy = Record<SlaThreshold, EscalationAction[]>;

export const DEFAULT_ESCALATIONS = "AT_RISK=notify-assignee; BREACHED=notify-assignee";

const EMAIL = /^[^\s@,;]+@[^\s@,;]+$/;

/**
 * Reads SLA_ESCALATIONS, e.g. "AT_RISK=notify-assignee; BREACHED=notify-assignee,raise-priority,
 * notify:lead@example.com,assign:lead@example.com". A threshold left out does nothing but raise
 * its event. Throws an Error naming what it cannot read (config.ts reports it at start).
 */
export function parseEscalations(spec: string): EscalationPolicy {
  const policy: EscalationPolicy = { AT_RISK: [], BREACHED: [] };
  for (const part of spec.split(";").map((p) => p.trim()).filter(Boolean)) {
    const [threshold, list = ""] = part.split("=").map((s) => s.trim());
    if (threshold !== "AT_RISK" && threshold !== "BREACHED") throw new Error(`unknown threshold "${threshold}" (AT_RISK or BREACHED)`);
    for (const item of list.split(",").map((s) => s.trim()).filter(Boolean)) {
      const [kind, argument] = [item.split(":")[0]!, item.split(":").slice(1).join(":")];
      if ((kind === "notify-assignee" || kind === "raise-priority") && !argument) policy[threshold].push({ kind });
      else if ((kind === "notify" || kind === "assign") && EMAIL.test(argument)) policy[threshold].push({ kind, email: argument.toLowerCase() });
      else throw new Error(`cannot read "${item}" (notify-assignee, raise-priority, notify:<email> or assign:<email>)`);
    }
  }
  return policy;
}

/** The next priority up, or null at the top. */
export function raisedPriority(priority: Priority): Priority | null {
  const order = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT];
  return order[order.indexOf(priority) + 1] ?? null;
}

/** An action in words, for the job's summary and the event. */
export function describeAction(action: EscalationAction): string {
  switch (action.kind) {
    case "notify-assignee":
      return "notify the assignee";
    case "notify":
      return `notify ${action.email}`;
    case "raise-priority":
      return "raise the priority";
    case "assign":
      return `assign to ${action.email}`;
  }
}
