/**
 * An action refused because the ticket changed first (CONFLICT, or a move no longer allowed):
 * the page reloads the ticket and offers to run the same action again on the version it now shows.
 */
export interface ConflictRetry {
  /** What the person tried, in a few words: "assign it to Bea Agent", "set the priority to High". */
  action: string;
  /** Runs the action again against the reloaded ticket (its current version). */
  again: () => void;
  /** Whether the action still makes sense on the reloaded ticket (a status move may no longer be offered). */
  possible?: () => boolean;
}

/** The one message shown after a conflict; it never asks for a reload: the page already did it. */
export function conflictMessage(retry: Pick<ConflictRetry, "action"> | null, stillPossible: boolean): string {
  const start = "Someone else changed this ticket just before you. The latest version is shown";
  if (!retry) return `${start}.`;
  if (!stillPossible) return `${start}, and your change (${retry.action}) is no longer possible on it.`;
  return `${start}; your change (${retry.action}) was not applied yet.`;
}
