import { Migration } from '@mikro-orm/migrations';

/** The durable, ordered events table (db/domain-event.entity.ts) and the counter its positions come from. */
export class Migration20261206173947 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`domain_events\` (\`position\` bigint not null, \`id\` text not null, \`type\` text not null, \`occurred_at\` datetime not null, \`actor_id\` text null, \`target_type\` text not null, \`target_id\` text not null, \`ticket_id\` text null, \`issue_id\` text null, \`project_id\` text null, \`user_id\` text null, \`visibility\` text not null, \`payload\` json not null, \`request_id\` text not null, primary key (\`position\`));`);
    this.addSql(`create unique index \`domain_events_id_unique\` on \`domain_events\` (\`id\`);`);
    this.addSql(`create index \`domain_events_occurred_index\` on \`domain_events\` (\`occurred_at\`);`);
    this.addSql(`create index \`domain_events_type_index\` on \`domain_events\` (\`type\`, \`position\`);`);
    this.addSql(`create index \`domain_events_project_index\` on \`domain_events\` (\`project_id\`, \`position\`);`);
    this.addSql(`create index \`domain_events_issue_index\` on \`domain_events\` (\`issue_id\`, \`position\`);`);
    this.addSql(`create index \`domain_events_ticket_index\` on \`domain_events\` (\`ticket_id\`, \`position\`);`);
    this.addSql(`insert into \`counters\` (\`name\`, \`value\`) values ('domain_events', 0);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`domain_events\`;`);
    this.addSql(`delete from \`counters\` where \`name\` = 'domain_events';`);
  }
}
