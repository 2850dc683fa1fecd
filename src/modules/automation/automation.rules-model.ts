import { Priority } from "../../core/priority.js";
import { TicketStatus } from "../tickets/ticket.enums.js";

/** The events a rule can be started by. */
export enum AutomationTrigger {
  TICKET_CREATED = "TICKET_CREATED",
  TICKET_UPDATED = "TICKET_UPDATED",
  TICKET_TRANSITIONED = "TICKET_TRANSITIONED",
  CUSTOMER_REPLIED = "CUSTOMER_REPLIED",
}

/** What a condition looks at: the ticket as it is when the rule runs. */
export enum AutomationField {
  STATUS = "STATUS",
  PRIORITY = "PRIORITY",
  CATEGORY = "CATEGORY",
  REQUESTER_EMAIL = "REQUESTER_EMAIL",
  TEXT = "TEXT",
  ASSIGNED = "ASSIGNED",
}

export enum AutomationOperator {
  IS = "IS",
  IS_NOT = "IS_NOT",
  CONTAINS = "CONTAINS",
  ENDS_WITH = "ENDS_WITH",
}

export enum AutomationActionKind {
  ASSIGN = "ASSIGN",
  SET_PRIORITY = "SET_PRIORITY",
  SET_CATEGORY = "SET_CATEGORY",
  ADD_NOTE = "ADD_NOTE",
  REPLY = "REPLY",
  NOTIFY = "NOTIFY",
}

export interface AutomationCondition {
  field: AutomationField;
  operator: AutomationOperator;
  /** Any of these (IS, CONTAINS, ENDS_WITH) or none of these (IS_NOT). */
  values: string[];
}

export interface AutomationAction {
  kind: AutomationActionKind;
  /** ASSIGN: a user id; SET_PRIORITY: a priority; SET_CATEGORY: a category ("" clears it); ADD_NOTE, REPLY: Markdown; NOTIFY: an email address. */
  value: string;
}

/** The trigger each domain event type starts, if any (a customer's public reply, not staff's). */
export function triggerOf(type: string, payload: Record<string, unknown>): AutomationTrigger | null {
  switch (type) {
    case "ticket.created":
      return AutomationTrigger.TICKET_CREATED;
    case "ticket.updated":
      return AutomationTrigger.TICKET_UPDATED;
    case "ticket.transitioned":
      return AutomationTrigger.TICKET_TRANSITIONED;
    case "comment.added":
      return payload.ticket && !payload.internal && payload.authorRole === "CUSTOMER" ? AutomationTrigger.CUSTOMER_REPLIED : null;
    default:
      return null;
  }
}

/** What the conditions read of a ticket. */
export interface TicketFacts {
  status: TicketStatus;
  priority: Priority;
  category: string | null;
  requesterEmail: string;
  subject: string;
  description: string;
  assigned: boolean;
}

function fieldValue(facts: TicketFacts, field: AutomationField): string[] {
  switch (field) {
    case AutomationField.STATUS:
      return [facts.status];
    case AutomationField.PRIORITY:
      return [facts.priority];
    case AutomationField.CATEGORY:
      return [facts.category ?? ""];
    case AutomationField.REQUESTER_EMAIL:
      return [facts.requesterEmail.toLowerCase()];
    case AutomationField.TEXT:
      return [facts.subject.toLowerCase(), facts.description.toLowerCase()];
    case AutomationField.ASSIGNED:
      return [facts.assigned ? "true" : "false"];
  }
}

/** Whether every condition holds (no conditions: always). */
export function conditionsHold(facts: TicketFacts, conditions: readonly AutomationCondition[]): boolean {
  return conditions.every((c) => {
    const have = fieldValue(facts, c.field);
    const wanted = c.field === AutomationField.TEXT || c.field === AutomationField.REQUESTER_EMAIL ? c.values.map((v) => v.toLowerCase()) : c.values;
    const any = (test: (have: string, want: string) => boolean) => have.some((h) => wanted.some((w) => test(h, w)));
    switch (c.operator) {
      case AutomationOperator.IS:
        return any((h, w) => h === w);
      case AutomationOperator.IS_NOT:
        return !any((h, w) => h === w);
      case AutomationOperator.CONTAINS:
        return any((h, w) => h.includes(w));
      case AutomationOperator.ENDS_WITH:
        return any((h, w) => h.endsWith(w));
    }
  });
}

/** An action in words, for dry runs and the audit trail. */
export function describeAutomationAction(action: AutomationAction, names: Map<string, string> = new Map()): string {
  switch (action.kind) {
    case AutomationActionKind.ASSIGN:
      return `assign to ${names.get(action.value) ?? action.value}`;
    case AutomationActionKind.SET_PRIORITY:
      return `set the priority to ${action.value}`;
    case AutomationActionKind.SET_CATEGORY:
      return action.value ? `set the category to ${action.value}` : "clear the category";
    case AutomationActionKind.ADD_NOTE:
      return "add an internal note";
    case AutomationActionKind.REPLY:
      return "send a reply";
    case AutomationActionKind.NOTIFY:
      return `notify ${action.value}`;
  }
}

export const isPriority = (v: string): v is Priority => (Object.values(Priority) as string[]).includes(v);
export const isTicketStatus = (v: string): v is TicketStatus => (Object.values(TicketStatus) as string[]).includes(v);
