import { Migration } from '@mikro-orm/migrations';

/**
 * The next SLA deadline and when it turns at risk (modules/tickets/ticket.sla.ts scheduleNextDue), stored
 * so queues filter `slaDueSoon` and sort by SLA_DUE in SQL. Existing tickets get the 80% default threshold;
 * the embedded database keeps datetimes as epoch milliseconds.
 */
export class Migration20261206203809 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`tickets\` add column \`sla_due_at\` datetime not null default 0;`);
    this.addSql(`alter table \`tickets\` add column \`sla_at_risk_at\` datetime not null default 0;`);
    this.addSql(`update \`tickets\` set \`sla_due_at\` = case when \`first_response_at\` is null then \`first_response_due_at\` else \`resolution_due_at\` end;`);
    this.addSql(
      `update \`tickets\` set \`sla_at_risk_at\` = case when typeof(\`sla_due_at\`) = 'integer' and typeof(\`created_at\`) = 'integer'` +
        ` then \`sla_due_at\` - cast(round((\`sla_due_at\` - \`created_at\` - \`paused_seconds\` * 1000) * 0.2) as integer) else \`sla_due_at\` end;`,
    );
    this.addSql(`create index \`tickets_sla_due_index\` on \`tickets\` (\`sla_due_at\`, \`id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index \`tickets_sla_due_index\`;`);
    this.addSql(`alter table \`tickets\` drop column \`sla_at_risk_at\`;`);
    this.addSql(`alter table \`tickets\` drop column \`sla_due_at\`;`);
  }
}
