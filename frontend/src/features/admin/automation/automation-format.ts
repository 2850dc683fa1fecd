import type { EnumOf } from "../../../lib/graphql/graphql.ts";
import { PRIORITIES, priorityLabel, TICKET_STATUSES, ticketStatusLabel, type Priority, type TicketStatus } from "../../../lib/format/labels.ts";

export type AutomationTrigger = EnumOf<"AutomationTrigger">;
export type AutomationField = EnumOf<"AutomationField">;
export type AutomationOperator = EnumOf<"AutomationOperator">;
export type AutomationActionKind = EnumOf<"AutomationActionKind">;

export interface AutomationCondition {
  field: AutomationField;
  operator: AutomationOperator;
  values: readonly string[];
}

export interface AutomationAction {
  kind: AutomationActionKind;
  value: string;
}

export const TRIGGERS: readonly AutomationTrigger[] = ["TICKET_CREATED", "TICKET_UPDATED", "TICKET_TRANSITIONED", "CUSTOMER_REPLIED"];
export const FIELDS: readonly AutomationField[] = ["TEXT", "REQUESTER_EMAIL", "CATEGORY", "STATUS", "PRIORITY", "ASSIGNED"];
export const OPERATORS: readonly AutomationOperator[] = ["IS", "IS_NOT", "CONTAINS", "ENDS_WITH"];
export const ACTION_KINDS: readonly AutomationActionKind[] = ["ASSIGN", "SET_PRIORITY", "SET_CATEGORY", "ADD_NOTE", "REPLY", "NOTIFY"];

export const triggerLabel: Record<AutomationTrigger, string> = {
  TICKET_CREATED: "A ticket is created",
  TICKET_UPDATED: "A ticket is edited",
  TICKET_TRANSITIONED: "A ticket changes status",
  CUSTOMER_REPLIED: "A customer replies",
};

export const fieldLabel: Record<AutomationField, string> = {
  STATUS: "Status",
  PRIORITY: "Priority",
  CATEGORY: "Category",
  REQUESTER_EMAIL: "Requester's email",
  TEXT: "Subject or description",
  ASSIGNED: "Assigned",
};

export const operatorLabel: Record<AutomationOperator, string> = {
  IS: "is",
  IS_NOT: "is not",
  CONTAINS: "contains",
  ENDS_WITH: "ends with",
};

export const actionKindLabel: Record<AutomationActionKind, string> = {
  ASSIGN: "Assign to",
  SET_PRIORITY: "Set the priority",
  SET_CATEGORY: "Set the category",
  ADD_NOTE: "Add an internal note",
  REPLY: "Send a reply",
  NOTIFY: "Notify an address",
};

/** Fields with a fixed set of values compare only with IS / IS NOT (the server refuses the rest). */
export function operatorsFor(field: AutomationField): readonly AutomationOperator[] {
  return field === "STATUS" || field === "PRIORITY" || field === "ASSIGNED" ? ["IS", "IS_NOT"] : OPERATORS;
}

/** What to type into a condition's values box, per field. */
export function valuesHint(field: AutomationField): string {
  switch (field) {
    case "STATUS":
      return `Comma-separated, from: ${TICKET_STATUSES.join(", ")}.`;
    case "PRIORITY":
      return `Comma-separated, from: ${PRIORITIES.join(", ")}.`;
    case "ASSIGNED":
      return "true or false.";
    case "CATEGORY":
      return "Comma-separated categories; leave a value empty for none.";
    case "REQUESTER_EMAIL":
      return "Comma-separated, e.g. @example.com (case does not matter).";
    case "TEXT":
      return "Comma-separated words or phrases (case does not matter).";
  }
}

/** "vpn, network ,, wifi" -> ["vpn", "network", "wifi"]: a value cannot itself contain a comma. */
export function parseValues(text: string): string[] {
  return text
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

export function formatValues(values: readonly string[]): string {
  return values.join(", ");
}

/** `a`, `a or b`, `a, b or c`. */
function either(words: readonly string[], last = "or"): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} ${last} ${words[words.length - 1]}`;
}

function valueWords(field: AutomationField, values: readonly string[]): string[] {
  switch (field) {
    case "STATUS":
      return values.map((v) => ticketStatusLabel[v as TicketStatus] ?? v);
    case "PRIORITY":
      return values.map((v) => priorityLabel[v as Priority] ?? v);
    case "CATEGORY":
      return values.map((v) => (v === "" ? "none" : `“${v}”`));
    default:
      return values.map((v) => `“${v}”`);
  }
}

/** A condition in words, e.g. `Subject or description contains “vpn” or “network”`. */
export function describeCondition(condition: AutomationCondition): string {
  const { field, operator, values } = condition;
  if (field === "ASSIGNED" && values.length === 1) {
    const assigned = (values[0] === "true") === (operator === "IS");
    return assigned ? "The ticket is assigned" : "The ticket is not assigned";
  }
  const words = valueWords(field, values);
  if (operator === "IS_NOT") return `${fieldLabel[field]} is ${words.length > 1 ? `none of ${either(words, "and")}` : `not ${words[0] ?? ""}`}`;
  return `${fieldLabel[field]} ${operatorLabel[operator]} ${either(words)}`;
}

/** Conditions in words; none means the rule applies to every ticket of its trigger. */
export function describeConditions(conditions: readonly AutomationCondition[]): string {
  return conditions.length === 0 ? "Every ticket" : conditions.map(describeCondition).join("; and ");
}

/** Text shortened to `max` characters on one line, for a summary. */
export function excerpt(text: string, max = 60): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}

/** An action in words; `names` maps user ids to display names for ASSIGN. */
export function describeAction(action: AutomationAction, names: ReadonlyMap<string, string> = new Map()): string {
  switch (action.kind) {
    case "ASSIGN":
      return `Assign to ${names.get(action.value) ?? "a person no longer listed"}`;
    case "SET_PRIORITY":
      return `Set the priority to ${priorityLabel[action.value as Priority] ?? action.value}`;
    case "SET_CATEGORY":
      return action.value ? `Set the category to “${action.value}”` : "Clear the category";
    case "ADD_NOTE":
      return `Add an internal note: “${excerpt(action.value)}”`;
    case "REPLY":
      return `Send a reply: “${excerpt(action.value)}”`;
    case "NOTIFY":
      return `Notify ${action.value}`;
  }
}

/** A condition or action row as the form edits it: values as one comma-separated text. */
export interface ConditionDraft {
  field: AutomationField;
  operator: AutomationOperator;
  values: string;
}

export interface RuleDraft {
  name: string;
  trigger: AutomationTrigger;
  enabled: boolean;
  position: number;
  conditions: ConditionDraft[];
  actions: AutomationAction[];
}

export function emptyDraft(): RuleDraft {
  return { name: "", trigger: "TICKET_CREATED", enabled: true, position: 0, conditions: [], actions: [{ kind: "SET_PRIORITY", value: "" }] };
}

export function draftFromRule(rule: {
  name: string;
  trigger: AutomationTrigger;
  enabled: boolean;
  position: number;
  conditions: readonly AutomationCondition[];
  actions: readonly AutomationAction[];
}): RuleDraft {
  return {
    name: rule.name,
    trigger: rule.trigger,
    enabled: rule.enabled,
    position: rule.position,
    conditions: rule.conditions.map((c) => ({ field: c.field, operator: c.operator, values: formatValues(c.values) })),
    actions: rule.actions.map((a) => ({ kind: a.kind, value: a.value })),
  };
}

/** The AutomationRuleInput the server takes for a draft. */
export function inputFromDraft(draft: RuleDraft) {
  return {
    name: draft.name.trim(),
    trigger: draft.trigger,
    enabled: draft.enabled,
    position: draft.position,
    conditions: draft.conditions.map((c) => ({ field: c.field, operator: c.operator, values: c.field === "CATEGORY" ? c.values.split(",").map((v) => v.trim()) : parseValues(c.values) })),
    actions: draft.actions.map((a) => ({ kind: a.kind, value: a.kind === "ADD_NOTE" || a.kind === "REPLY" ? a.value : a.value.trim() })),
  };
}

/**
 * What the form can tell before asking the server, keyed by the path the server names in
 * `extensions.field` (e.g. "input.conditions.0.values"), so both show in the same place.
 */
export function draftProblems(draft: RuleDraft): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!draft.name.trim()) problems["input.name"] = "Enter a name for the rule.";
  draft.conditions.forEach((c, i) => {
    if (c.field !== "CATEGORY" && parseValues(c.values).length === 0) problems[`input.conditions.${i}.values`] = "Enter at least one value.";
  });
  if (draft.actions.length === 0) problems["input.actions"] = "Add at least one action.";
  draft.actions.forEach((a, i) => {
    if (a.kind === "SET_CATEGORY" || a.value.trim()) return;
    problems[`input.actions.${i}.value`] =
      a.kind === "ASSIGN" ? "Choose who to assign to." : a.kind === "SET_PRIORITY" ? "Choose a priority." : a.kind === "NOTIFY" ? "Enter an email address." : "Enter the text.";
  });
  return problems;
}

/** "set the priority to HIGH" -> "Set the priority to HIGH". */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The headline of a dry run, e.g. "2 of the 20 newest tickets match". */
export function tryRunSummary(matched: number, tried: number, asked: number): string {
  if (tried === 0) return "There are no tickets to try it on yet";
  if (tried === 1 && asked > 1) return matched ? "The only ticket matches" : "The only ticket does not match";
  const all = tried < asked;
  const scope = all ? `${tried} tickets` : `the ${tried} newest tickets`;
  const head = matched === 0 ? `None of ${scope} match` : `${matched} of ${scope} ${matched === 1 ? "matches" : "match"}`;
  return all ? `${head} (all the tickets there are)` : head;
}
