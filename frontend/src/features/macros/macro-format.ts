/** Macro changes and actions in words, for the preview and the management screen. */

const STATUS: Record<string, string> = { OPEN: "Open", IN_PROGRESS: "In progress", WAITING_ON_CUSTOMER: "Waiting on customer", RESOLVED: "Resolved", CLOSED: "Closed" };
const PRIORITY: Record<string, string> = { LOW: "Low", NORMAL: "Normal", HIGH: "High", URGENT: "Urgent" };

const words = (value: string | null | undefined, names: Record<string, string>) => (value ? (names[value] ?? value) : "");
const excerpt = (text: string) => (text.length > 120 ? `${text.slice(0, 120)}…` : text);

export function describeChange(change: { kind: string; from?: string | null; to: string }): string {
  switch (change.kind) {
    case "REPLY":
      return `Reply: “${excerpt(change.to)}”`;
    case "NOTE":
      return `Internal note: “${excerpt(change.to)}”`;
    case "STATUS":
      return `Status: ${words(change.from, STATUS)} → ${words(change.to, STATUS)}`;
    case "PRIORITY":
      return `Priority: ${words(change.from, PRIORITY)} → ${words(change.to, PRIORITY)}`;
    case "ASSIGNEE":
      return `Assignee: ${change.from ?? "nobody"} → ${change.to}`;
    case "TAGS":
      return `Tags: ${change.from || "none"} → ${change.to || "none"}`;
    default:
      return `${change.kind}: ${change.to}`;
  }
}

export interface MacroActionsView {
  replyBody?: string | null;
  replyCannedResponseId?: string | null;
  replyInternal?: boolean | null;
  status?: string | null;
  priority?: string | null;
  assign?: string | null;
  addTags?: readonly string[] | null;
  removeTags?: readonly string[] | null;
}

/** What a macro does, one phrase per part. */
export function describeActions(a: MacroActionsView, cannedTitle?: (id: string) => string | undefined): string[] {
  const out: string[] = [];
  if (a.replyCannedResponseId) out.push(`${a.replyInternal ? "Internal note" : "Reply"} with “${cannedTitle?.(a.replyCannedResponseId) ?? "a canned response"}”`);
  else if (a.replyBody) out.push(`${a.replyInternal ? "Internal note" : "Reply"}: “${excerpt(a.replyBody)}”`);
  if (a.status) out.push(`Set status to ${words(a.status, STATUS)}`);
  if (a.priority) out.push(`Set priority to ${words(a.priority, PRIORITY)}`);
  if (a.assign === "ME") out.push("Assign to whoever applies it");
  if (a.assign === "NOBODY") out.push("Unassign");
  if (a.assign === "USER") out.push("Assign to a chosen agent");
  if (a.addTags?.length) out.push(`Add tags ${a.addTags.join(", ")}`);
  if (a.removeTags?.length) out.push(`Remove tags ${a.removeTags.join(", ")}`);
  return out;
}
