import { formatDuration } from "./dates.ts";

export type SlaState = "ON_TRACK" | "AT_RISK" | "BREACHED" | "PAUSED" | "MET";

/** How a ticket's SLA reads in a list or on its page; null when there is nothing left to say (met). */
export function slaLabel(state: SlaState, secondsLeft: number | null | undefined): { text: string; tone: "danger" | "warning" | "muted" } | null {
  switch (state) {
    case "BREACHED":
      return { text: "SLA breached", tone: "danger" };
    case "AT_RISK":
      return { text: secondsLeft != null ? `Due soon · ${formatDuration(secondsLeft)} left` : "Due soon", tone: "warning" };
    case "PAUSED":
      return { text: "SLA paused", tone: "muted" };
    case "ON_TRACK":
      return secondsLeft != null ? { text: `Due in ${formatDuration(secondsLeft)}`, tone: "muted" } : null;
    default:
      return null;
  }
}
