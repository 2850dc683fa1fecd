import { Migration } from '@mikro-orm/migrations';

/** Webhooks (modules/webhooks): the endpoints and their deliveries. */
export class Migration20261206183500 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`webhooks\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`url\` varchar(2000) not null, \`events\` varchar(2000) not null, \`description\` varchar(500) not null default '', \`secret\` varchar(100) not null, \`previous_secret\` varchar(100) null, \`previous_secret_expires_at\` datetime(3) null, \`enabled\` tinyint(1) not null default true, \`disabled_at\` datetime(3) null, \`failing_since\` datetime(3) null, \`scanned_through\` bigint not null, \`created_by_id\` varchar(36) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`webhooks\` add index \`webhooks_created_by_id_index\`(\`created_by_id\`);`);
    this.addSql(`create table \`webhook_deliveries\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`webhook_id\` varchar(36) not null, \`event_id\` varchar(36) not null, \`event_type\` varchar(64) not null, \`event_position\` bigint null, \`body\` text not null, \`status\` varchar(16) not null default 'PENDING', \`attempts\` int not null default 0, \`next_attempt_at\` datetime(3) not null, \`claimed_until\` datetime(3) null, \`last_attempt_at\` datetime(3) null, \`delivered_at\` datetime(3) null, \`response_status\` int null, \`duration_ms\` int null, \`response_body\` text null, \`error\` varchar(500) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`webhook_deliveries\` add index \`webhook_deliveries_webhook_id_index\`(\`webhook_id\`);`);
    this.addSql(`alter table \`webhook_deliveries\` add index \`webhook_deliveries_webhook_index\`(\`webhook_id\`, \`created_at\`);`);
    this.addSql(`alter table \`webhook_deliveries\` add index \`webhook_deliveries_due_index\`(\`status\`, \`next_attempt_at\`);`);
    this.addSql(`alter table \`webhook_deliveries\` add unique \`webhook_deliveries_event_unique\`(\`webhook_id\`, \`event_id\`);`);
    this.addSql(`alter table \`webhooks\` add constraint \`webhooks_created_by_id_foreign\` foreign key (\`created_by_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`webhook_deliveries\` add constraint \`webhook_deliveries_webhook_id_foreign\` foreign key (\`webhook_id\`) references \`webhooks\` (\`id\`) on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`webhook_deliveries\`;`);
    this.addSql(`drop table if exists \`webhooks\`;`);
  }
}
