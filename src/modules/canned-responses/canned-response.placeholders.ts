import { BadUserInputError } from "../../core/errors.js";

/** What a reply's placeholders are filled from. */
export interface PlaceholderValues {
  requester: { name: string; email: string };
  ticket: { reference: string; subject: string; status: string; priority: string };
  agent: { name: string; email: string };
}

/** Every placeholder a canned response or a macro's reply may use, with what it stands for. */
export const PLACEHOLDERS: Readonly<Record<string, { describe: string; value: (v: PlaceholderValues) => string }>> = {
  "requester.name": { describe: "The requester's display name", value: (v) => v.requester.name },
  "requester.email": { describe: "The requester's email address", value: (v) => v.requester.email },
  "ticket.reference": { describe: "The ticket's reference, e.g. #1042", value: (v) => v.ticket.reference },
  "ticket.subject": { describe: "The ticket's subject", value: (v) => v.ticket.subject },
  "ticket.status": { describe: "The ticket's status", value: (v) => v.ticket.status },
  "ticket.priority": { describe: "The ticket's priority", value: (v) => v.ticket.priority },
  "agent.name": { describe: "Your display name (whoever inserts the reply)", value: (v) => v.agent.name },
  "agent.email": { describe: "Your email address", value: (v) => v.agent.email },
};

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders in `text` that are not known, in order of first use. */
export function unknownPlaceholders(text: string): string[] {
  const unknown = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) if (!(match[1]! in PLACEHOLDERS)) unknown.add(match[1]!);
  return [...unknown];
}

/** Refuses text with unknown placeholders (a typo would otherwise reach a customer as "{{requester.nmae}}"). */
export function assertPlaceholders(text: string, field: string): void {
  const unknown = unknownPlaceholders(text);
  if (unknown.length) {
    const known = Object.keys(PLACEHOLDERS).map((p) => `{{${p}}}`).join(", ");
    throw new BadUserInputError(`Unknown placeholder${unknown.length > 1 ? "s" : ""} ${unknown.map((p) => `{{${p}}}`).join(", ")}; known: ${known}.`, field, { unknownPlaceholders: unknown });
  }
}

/** `text` with its placeholders filled; unknown ones (none, once saved) stay as written. */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => PLACEHOLDERS[name]?.value(values) ?? whole);
}
