import { Migration } from '@mikro-orm/migrations';

/** The durable, ordered events table (db/domain-event.entity.ts) and the counter its positions come from. */
export class Migration20261206173947 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`domain_events\` (\`position\` bigint unsigned not null, \`id\` varchar(36) not null, \`type\` varchar(64) not null, \`occurred_at\` datetime(3) not null, \`actor_id\` varchar(36) null, \`target_type\` varchar(40) not null, \`target_id\` varchar(64) not null, \`ticket_id\` varchar(36) null, \`issue_id\` varchar(36) null, \`project_id\` varchar(36) null, \`user_id\` varchar(36) null, \`visibility\` varchar(8) not null, \`payload\` json not null, \`request_id\` varchar(64) not null, primary key (\`position\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`domain_events\` add unique \`domain_events_id_unique\`(\`id\`);`);
    this.addSql(`alter table \`domain_events\` add index \`domain_events_occurred_index\`(\`occurred_at\`);`);
    this.addSql(`alter table \`domain_events\` add index \`domain_events_type_index\`(\`type\`, \`position\`);`);
    this.addSql(`alter table \`domain_events\` add index \`domain_events_project_index\`(\`project_id\`, \`position\`);`);
    this.addSql(`alter table \`domain_events\` add index \`domain_events_issue_index\`(\`issue_id\`, \`position\`);`);
    this.addSql(`alter table \`domain_events\` add index \`domain_events_ticket_index\`(\`ticket_id\`, \`position\`);`);
    this.addSql(`insert into \`counters\` (\`name\`, \`value\`) values ('domain_events', 0);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`domain_events\`;`);
    this.addSql(`delete from \`counters\` where \`name\` = 'domain_events';`);
  }
}
