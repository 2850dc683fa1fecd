import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { AutomationActionKind, AutomationField, AutomationOperator, AutomationTrigger } from "./automation.rules-model.js";

registerEnumType(AutomationTrigger, {
  name: "AutomationTrigger",
  description: "The event that starts an automation rule.",
  valuesConfig: {
    TICKET_CREATED: { description: "A ticket was opened." },
    TICKET_UPDATED: { description: "A ticket's subject, description, category or priority changed." },
    TICKET_TRANSITIONED: { description: "A ticket changed status." },
    CUSTOMER_REPLIED: { description: "A customer replied publicly on a ticket." },
  },
});
registerEnumType(AutomationField, {
  name: "AutomationField",
  description: "What a rule's condition looks at, on the ticket as it is when the rule runs.",
  valuesConfig: {
    STATUS: { description: "The status (values: TicketStatus names)." },
    PRIORITY: { description: "The priority (values: Priority names)." },
    CATEGORY: { description: "The category (\"\" for none)." },
    REQUESTER_EMAIL: { description: "The requester's email address (case-insensitive), e.g. ENDS_WITH \"@example.com\"." },
    TEXT: { description: "The subject or the description (case-insensitive)." },
    ASSIGNED: { description: "Whether it has an assignee (\"true\" or \"false\")." },
  },
});
registerEnumType(AutomationOperator, {
  name: "AutomationOperator",
  description: "How a condition compares.",
  valuesConfig: {
    IS: { description: "Equals one of the values." },
    IS_NOT: { description: "Equals none of the values." },
    CONTAINS: { description: "Contains one of the values." },
    ENDS_WITH: { description: "Ends with one of the values." },
  },
});
registerEnumType(AutomationActionKind, {
  name: "AutomationActionKind",
  description: "What a rule does.",
  valuesConfig: {
    ASSIGN: { description: "Assigns the ticket (value: an active agent's or admin's user id)." },
    SET_PRIORITY: { description: "Sets the priority (value: a Priority name)." },
    SET_CATEGORY: { description: "Sets the category (value: the category; empty clears it)." },
    ADD_NOTE: { description: "Adds an internal note (value: Markdown), written as the rule's owner." },
    REPLY: { description: "Sends a public reply, a canned answer (value: Markdown), written as the rule's owner." },
    NOTIFY: { description: "Mails an address about the ticket (value: the address)." },
  },
});

@ObjectType({ description: "One condition of a rule." })
@InputType("AutomationConditionInput", { description: "One condition of a rule." })
export class AutomationConditionType {
  @Field(() => AutomationField, { description: "What it looks at." })
  field!: AutomationField;

  @Field(() => AutomationOperator, { description: "How it compares." })
  operator!: AutomationOperator;

  @Field(() => [String], { description: "The values compared with (1 to 20)." })
  values!: string[];
}

@ObjectType({ description: "One action of a rule." })
@InputType("AutomationActionInput", { description: "One action of a rule." })
export class AutomationActionType {
  @Field(() => AutomationActionKind, { description: "What it does." })
  kind!: AutomationActionKind;

  @Field(() => String, { description: "Its argument (see AutomationActionKind)." })
  value!: string;
}

@InputType({ description: "An automation rule to create, or a dry run of one." })
export class AutomationRuleInput {
  @Field(() => String, { description: "What the rule is for (1-100 characters)." })
  name!: string;

  @Field(() => AutomationTrigger, { description: "The event that starts it." })
  trigger!: AutomationTrigger;

  @Field(() => [AutomationConditionType], { description: "All must hold (none: every ticket), at most 20." })
  conditions!: AutomationConditionType[];

  @Field(() => [AutomationActionType], { description: "Run in order, 1 to 10." })
  actions!: AutomationActionType[];

  @Field(() => Boolean, { nullable: true, description: "Whether it runs; default true." })
  enabled?: boolean;

  @Field(() => Int, { nullable: true, description: "Order among the rules of its trigger; default 0." })
  position?: number;
}

@ObjectType({ description: "What a rule would have done to one ticket, in a dry run." })
export class AutomationDryRunTicket {
  @Field(() => ID, { description: "The ticket." })
  ticketId!: string;

  @Field(() => String, { description: "Its reference, e.g. #1042." })
  reference!: string;

  @Field(() => String, { description: "Its subject." })
  subject!: string;

  @Field(() => Boolean, { description: "Whether every condition holds for it now." })
  matched!: boolean;

  @Field(() => [String], { description: "The actions that would run, in words (empty when not matched)." })
  actions!: string[];
}
