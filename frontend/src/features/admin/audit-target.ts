/** An audit target for people: its label ("#1042 · Printer jams") or, unlabelled, its kind and short id. */
export function targetText(event: { targetType?: string | null; targetId?: string | null; targetLabel?: string | null }): string {
  if (event.targetLabel) return event.targetLabel;
  const kind = event.targetType ?? "Object";
  return event.targetId ? `${kind} ${event.targetId.slice(0, 8)}…` : kind;
}
