/**
 * Automation: rules kept by admins (ADMIN visibility) and each time one acted on a ticket
 * (automation.applied, STAFF visibility, target: the ticket), with what each action did.
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    "automation_rule.created": { name: string; trigger: string };
    "automation_rule.updated": { name: string; trigger: string; enabled: boolean };
    "automation_rule.deleted": { name: string };
    /** A rule's conditions held for a ticket after `cause` (an event type, at `causePosition`), and it took its actions. */
    "automation.applied": { ruleId: string; ruleName: string; trigger: string; cause: string; causePosition: number; outcomes: string[] };
  }
}

export {};
