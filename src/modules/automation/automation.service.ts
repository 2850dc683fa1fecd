import type { DomainEvents } from "../../core/events/domain-events.js";
import { AppError, BadUserInputError, NotFoundError } from "../../core/errors.js";
import { isStaff, Role, type Viewer } from "../../core/identity.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { assertOneLineText, textLength } from "../../core/text.js";
import { assertVersion, conflictOnRace, FOR_UPDATE, READ_ONLY } from "../../core/writes.js";
import type { CommentService } from "../comments/comment.service.js";
import { enqueueMail } from "../mail/outbox.js";
import { Ticket } from "../tickets/ticket.entity.js";
import type { TicketService } from "../tickets/ticket.service.js";
import { User } from "../users/user.entity.js";
import { Counter } from "../../db/counter.entity.js";
import { DomainEventRecord } from "../../db/domain-event.entity.js";
import { AutomationRule } from "./automation-rule.entity.js";
import {
  AutomationActionKind,
  AutomationField,
  AutomationOperator,
  conditionsHold,
  describeAutomationAction,
  isPriority,
  isTicketStatus,
  type AutomationAction,
  type AutomationCondition,
  type AutomationTrigger,
  type TicketFacts,
} from "./automation.rules-model.js";
import type { AutomationRuleInput } from "./automation.types.js";

/** The `counters` row holding the position of the last event the automation worker handled. */
export const AUTOMATION_CURSOR = "automation";
const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
const BODY_MAX = 10_000;
/** The most tickets a dry run looks at. */
export const DRY_RUN_MAX = 200;

export interface DryRunRow {
  ticketId: string;
  reference: string;
  subject: string;
  matched: boolean;
  actions: string[];
}

/**
 * Automation rules (admins): "when <trigger> and <conditions> then <actions>". This service keeps
 * them and applies one rule to one ticket; automation.worker.ts feeds it the durable events.
 * Actions go through the tickets and comments services as the rule's owner, so they obey the same
 * rules as a person's, and each application is audited (automation.applied) with the rule's name.
 */
export class AutomationService {
  constructor(
    private readonly events: DomainEvents,
    private readonly tickets: TicketService,
    private readonly comments: CommentService,
  ) {}

  list(scope: RequestScope): Promise<AutomationRule[]> {
    return scope.em.find(AutomationRule, {}, { orderBy: { trigger: "asc", position: "asc", createdAt: "asc" } });
  }

  async create(scope: RequestScope, input: AutomationRuleInput): Promise<AutomationRule> {
    const viewer = requireViewer(scope);
    const checked = await this.check(scope, input);
    return this.events.transaction(scope, async (tx) => {
      // The worker's cursor starts at the newest event: rules act on what happens from now on.
      if (!(await tx.em.findOne(Counter, { name: AUTOMATION_CURSOR }))) {
        const [newest] = await tx.em.find(DomainEventRecord, {}, { orderBy: { position: "desc" }, limit: 1, fields: ["position"], disableIdentityMap: true });
        tx.em.create(Counter, { name: AUTOMATION_CURSOR, value: Number(newest?.position ?? 0) });
      }
      const rule = tx.em.create(AutomationRule, { ...checked, owner: tx.em.getReference(User, viewer.userId, { wrapped: true }) });
      await this.events.raise(tx, { type: "automation_rule.created", target: { type: "AutomationRule", id: rule.id }, refs: {}, visibility: "ADMIN", payload: { name: rule.name, trigger: rule.trigger } });
      return rule;
    });
  }

  async update(scope: RequestScope, id: string, input: AutomationRuleInput, expectedVersion?: number | null): Promise<AutomationRule> {
    const checked = await this.check(scope, input);
    return conflictOnRace("automation rule", () =>
      this.events.transaction(scope, async (tx) => {
        const rule = await tx.em.findOne(AutomationRule, { id }, FOR_UPDATE);
        if (!rule) throw new NotFoundError(`No automation rule has the id "${id}".`);
        assertVersion("automation rule", rule.version, expectedVersion);
        Object.assign(rule, checked);
        await this.events.raise(tx, { type: "automation_rule.updated", target: { type: "AutomationRule", id }, refs: {}, visibility: "ADMIN", payload: { name: rule.name, trigger: rule.trigger, enabled: rule.enabled } });
        return rule;
      }),
    );
  }

  async delete(scope: RequestScope, id: string): Promise<boolean> {
    return this.events.transaction(scope, async (tx) => {
      const rule = await tx.em.findOne(AutomationRule, { id }, FOR_UPDATE);
      if (!rule) throw new NotFoundError(`No automation rule has the id "${id}".`);
      tx.em.remove(rule);
      await this.events.raise(tx, { type: "automation_rule.deleted", target: { type: "AutomationRule", id }, refs: {}, visibility: "ADMIN", payload: { name: rule.name } });
      return true;
    });
  }

  /** What a rule would do to the newest `last` tickets as they are now; writes nothing. */
  async dryRun(scope: RequestScope, input: AutomationRuleInput, last: number): Promise<DryRunRow[]> {
    if (!Number.isInteger(last) || last < 1 || last > DRY_RUN_MAX) throw new BadUserInputError(`"lastTickets" must be between 1 and ${DRY_RUN_MAX}.`, "lastTickets");
    const checked = await this.check(scope, input);
    const tickets = await scope.em.find(Ticket, {}, { orderBy: { createdAt: "desc" }, limit: last, ...READ_ONLY });
    const facts = await this.factsOf(scope, tickets);
    const names = await this.assigneeNames(scope, checked.actions);
    return tickets.map((ticket) => {
      const matched = conditionsHold(facts.get(ticket.id)!, checked.conditions);
      return { ticketId: ticket.id, reference: `#${ticket.number}`, subject: ticket.subject, matched, actions: matched ? checked.actions.map((a) => describeAutomationAction(a, names)) : [] };
    });
  }

  /** The enabled rules of a trigger, in order. */
  rulesFor(scope: RequestScope, trigger: AutomationTrigger): Promise<AutomationRule[]> {
    return scope.em.find(AutomationRule, { trigger, enabled: true }, { orderBy: { position: "asc", createdAt: "asc" }, ...READ_ONLY });
  }

  /**
   * Applies `rule` to ticket `ticketId` inside `tx` when its conditions hold now; returns what it
   * did, or null when they do not. An action that is refused (a closed ticket takes no reply, the
   * assignee left) is reported and the rest still run: a refused action writes nothing.
   */
  async apply(tx: RequestScope, rule: AutomationRule, ticketId: string, cause: { type: string; position: number }): Promise<string[] | null> {
    const ticket = await tx.em.findOne(Ticket, { id: ticketId }, READ_ONLY);
    if (!ticket) return null;
    const facts = (await this.factsOf(tx, [ticket])).get(ticket.id)!;
    if (!conditionsHold(facts, rule.conditions)) return null;
    const owner = await tx.em.findOne(User, { id: rule.owner.id }, READ_ONLY);
    const outcomes: string[] = [];
    if (!owner || owner.deactivatedAt || owner.role !== Role.ADMIN) {
      outcomes.push("nothing: the rule's owner is no longer an active admin");
    } else {
      // As the owner: the same permission checks, versions and events as their own actions.
      const asOwner: RequestScope = { ...tx, viewer: { userId: owner.id, role: owner.role, sessionId: `automation:${rule.id}` } satisfies Viewer };
      for (const action of rule.actions) outcomes.push(await this.run(asOwner, ticket, action));
    }
    await this.events.raise(tx, {
      type: "automation.applied",
      actorId: null,
      target: { type: "Ticket", id: ticket.id },
      refs: { ticketId: ticket.id },
      visibility: "STAFF",
      payload: { ruleId: rule.id, ruleName: rule.name, trigger: rule.trigger, cause: cause.type, causePosition: cause.position, outcomes },
    });
    return outcomes;
  }

  private async run(scope: RequestScope, ticket: Ticket, action: AutomationAction): Promise<string> {
    const said = describeAutomationAction(action);
    try {
      switch (action.kind) {
        case AutomationActionKind.ASSIGN:
          await this.tickets.assign(scope, ticket.id, action.value);
          break;
        case AutomationActionKind.SET_PRIORITY:
          await this.tickets.update(scope, ticket.id, { priority: action.value as never });
          break;
        case AutomationActionKind.SET_CATEGORY:
          await this.tickets.update(scope, ticket.id, { category: action.value });
          break;
        case AutomationActionKind.ADD_NOTE:
        case AutomationActionKind.REPLY:
          await this.comments.add(scope, { subjectId: ticket.id, body: action.value, internal: action.kind === AutomationActionKind.ADD_NOTE });
          break;
        case AutomationActionKind.NOTIFY:
          enqueueMail(scope.em, {
            to: action.value,
            kind: "AUTOMATION_NOTICE",
            subject: `[#${ticket.number}] ${ticket.subject.slice(0, 200)}`,
            text: `An automation rule asked to tell you about ticket #${ticket.number}: ${ticket.subject}`,
            html: "",
          });
          break;
      }
      return said;
    } catch (error) {
      // Refusals (coded errors) are reported; anything else (a database error) fails the pass, which is retried.
      if (!(error instanceof AppError)) throw error;
      return `${said}: refused (${error.message})`;
    }
  }

  private async factsOf(scope: RequestScope, tickets: Ticket[]): Promise<Map<string, TicketFacts>> {
    const requesterIds = [...new Set(tickets.map((t) => t.requester.id))];
    const users = requesterIds.length ? await scope.em.find(User, { id: { $in: requesterIds } }, READ_ONLY) : [];
    const emails = new Map(users.map((u) => [u.id, u.email]));
    return new Map(
      tickets.map((t) => [
        t.id,
        { status: t.status, priority: t.priority, category: t.category, requesterEmail: emails.get(t.requester.id) ?? "", subject: t.subject, description: t.description, assigned: t.assignee !== null },
      ]),
    );
  }

  private async assigneeNames(scope: RequestScope, actions: AutomationAction[]): Promise<Map<string, string>> {
    const ids = actions.filter((a) => a.kind === AutomationActionKind.ASSIGN).map((a) => a.value);
    const users = ids.length ? await scope.em.find(User, { id: { $in: ids } }, READ_ONLY) : [];
    return new Map(users.map((u) => [u.id, u.displayName]));
  }

  /** Checks a rule's input, naming the field of the first problem. */
  private async check(scope: RequestScope, input: AutomationRuleInput) {
    const name = input.name.trim();
    if (!name || textLength(name) > 100) throw new BadUserInputError("The name must be 1 to 100 characters.", "input.name");
    assertOneLineText(name, "name", "input.name");
    if (input.conditions.length > 20) throw new BadUserInputError("A rule has at most 20 conditions.", "input.conditions");
    if (!input.actions.length || input.actions.length > 10) throw new BadUserInputError("A rule has 1 to 10 actions.", "input.actions");
    const conditions: AutomationCondition[] = input.conditions.map((c, i) => {
      const field = `input.conditions.${i}.values`;
      const values = c.values.map((v) => v.trim());
      if (!values.length || values.length > 20 || values.some((v) => textLength(v) > 200)) throw new BadUserInputError("A condition has 1 to 20 values of at most 200 characters.", field);
      if (c.field === AutomationField.STATUS && !values.every(isTicketStatus)) throw new BadUserInputError("STATUS values are ticket statuses (OPEN, IN_PROGRESS, ...).", field);
      if (c.field === AutomationField.PRIORITY && !values.every(isPriority)) throw new BadUserInputError("PRIORITY values are LOW, NORMAL, HIGH or URGENT.", field);
      if (c.field === AutomationField.ASSIGNED && !values.every((v) => v === "true" || v === "false")) throw new BadUserInputError('ASSIGNED values are "true" or "false".', field);
      if ([AutomationField.STATUS, AutomationField.PRIORITY, AutomationField.ASSIGNED].includes(c.field) && ![AutomationOperator.IS, AutomationOperator.IS_NOT].includes(c.operator)) {
        throw new BadUserInputError(`${c.field} compares with IS or IS_NOT.`, `input.conditions.${i}.operator`);
      }
      return { field: c.field, operator: c.operator, values };
    });
    const actions: AutomationAction[] = [];
    for (const [i, a] of input.actions.entries()) {
      const field = `input.actions.${i}.value`;
      const value = a.kind === AutomationActionKind.ADD_NOTE || a.kind === AutomationActionKind.REPLY ? a.value : a.value.trim();
      if (a.kind === AutomationActionKind.SET_PRIORITY && !isPriority(value)) throw new BadUserInputError("SET_PRIORITY takes LOW, NORMAL, HIGH or URGENT.", field);
      if (a.kind === AutomationActionKind.NOTIFY && !EMAIL.test(value)) throw new BadUserInputError("NOTIFY takes an email address.", field);
      if ((a.kind === AutomationActionKind.ADD_NOTE || a.kind === AutomationActionKind.REPLY) && (!value.trim() || textLength(value) > BODY_MAX)) {
        throw new BadUserInputError(`The text must be 1 to ${BODY_MAX} characters.`, field);
      }
      if (a.kind === AutomationActionKind.SET_CATEGORY) {
        if (textLength(value) > 50) throw new BadUserInputError("A category is at most 50 characters.", field);
        if (value) assertOneLineText(value, "category", field);
      }
      if (a.kind === AutomationActionKind.ASSIGN) {
        const user = await scope.em.findOne(User, { id: value }, READ_ONLY).catch(() => null);
        if (!user || !isStaff(user.role) || user.deactivatedAt) throw new BadUserInputError("ASSIGN takes the id of an active agent or admin.", field);
      }
      actions.push({ kind: a.kind, value });
    }
    return { name, trigger: input.trigger, conditions, actions, enabled: input.enabled ?? true, position: input.position ?? 0 };
  }
}
