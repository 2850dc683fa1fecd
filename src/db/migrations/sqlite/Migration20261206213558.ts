import { Migration } from '@mikro-orm/migrations';

/** Automation rules (modules/automation): when a trigger happens to a ticket and the conditions hold, the actions run. */
export class Migration20261206213558 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`automation_rules\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`name\` text not null, \`trigger\` text check (\`trigger\` in ('TICKET_CREATED', 'TICKET_UPDATED', 'TICKET_TRANSITIONED', 'CUSTOMER_REPLIED')) not null, \`conditions\` json not null, \`actions\` json not null, \`enabled\` integer not null default true, \`position\` integer not null default 0, \`owner_id\` text not null, \`version\` integer not null default 1, constraint \`automation_rules_owner_id_foreign\` foreign key(\`owner_id\`) references \`users\`(\`id\`) on delete restrict on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`automation_rules_owner_id_index\` on \`automation_rules\` (\`owner_id\`);`);
    this.addSql(`create index \`automation_rules_trigger_index\` on \`automation_rules\` (\`trigger\`, \`enabled\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`automation_rules\`;`);
  }
}
