import { Migration } from '@mikro-orm/migrations';

/**
 * The next SLA deadline and when it turns at risk (modules/tickets/ticket.sla.ts scheduleNextDue), stored
 * so queues filter `slaDueSoon` and sort by SLA_DUE in SQL. Existing tickets get the 80% default threshold.
 */
export class Migration20261206203809 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`tickets\` add \`sla_due_at\` datetime(3) null, add \`sla_at_risk_at\` datetime(3) null;`);
    this.addSql(`update \`tickets\` set \`sla_due_at\` = if(\`first_response_at\` is null, \`first_response_due_at\`, \`resolution_due_at\`);`);
    this.addSql(
      `update \`tickets\` set \`sla_at_risk_at\` = date_sub(\`sla_due_at\`, interval round((timestampdiff(second, \`created_at\`, \`sla_due_at\`) - \`paused_seconds\`) * 0.2) second);`,
    );
    this.addSql(`alter table \`tickets\` modify \`sla_due_at\` datetime(3) not null, modify \`sla_at_risk_at\` datetime(3) not null;`);
    this.addSql(`alter table \`tickets\` add index \`tickets_sla_due_index\`(\`sla_due_at\`, \`id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`tickets\` drop index \`tickets_sla_due_index\`;`);
    this.addSql(`alter table \`tickets\` drop column \`sla_due_at\`, drop column \`sla_at_risk_at\`;`);
  }
}
