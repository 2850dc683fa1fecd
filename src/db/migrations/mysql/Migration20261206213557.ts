import { Migration } from '@mikro-orm/migrations';

/** Automation rules (modules/automation): when a trigger happens to a ticket and the conditions hold, the actions run. */
export class Migration20261206213557 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`automation_rules\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`name\` varchar(100) not null, \`trigger\` enum('TICKET_CREATED', 'TICKET_UPDATED', 'TICKET_TRANSITIONED', 'CUSTOMER_REPLIED') not null, \`conditions\` json not null, \`actions\` json not null, \`enabled\` tinyint(1) not null default true, \`position\` int not null default 0, \`owner_id\` varchar(36) not null, \`version\` int not null default 1, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`automation_rules\` add index \`automation_rules_owner_id_index\`(\`owner_id\`);`);
    this.addSql(`alter table \`automation_rules\` add index \`automation_rules_trigger_index\`(\`trigger\`, \`enabled\`);`);
    this.addSql(`alter table \`automation_rules\` add constraint \`automation_rules_owner_id_foreign\` foreign key (\`owner_id\`) references \`users\` (\`id\`) on update cascade on delete restrict;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`automation_rules\`;`);
  }
}
