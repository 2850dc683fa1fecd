import { Migration } from '@mikro-orm/migrations';

/** Webhooks (modules/webhooks): the endpoints and their deliveries. */
export class Migration20261206183502 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`webhooks\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`url\` text not null, \`events\` text not null, \`description\` text not null default '', \`secret\` text not null, \`previous_secret\` text null, \`previous_secret_expires_at\` datetime null, \`enabled\` integer not null default true, \`disabled_at\` datetime null, \`failing_since\` datetime null, \`scanned_through\` bigint not null, \`created_by_id\` text not null, constraint \`webhooks_created_by_id_foreign\` foreign key(\`created_by_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`webhooks_created_by_id_index\` on \`webhooks\` (\`created_by_id\`);`);
    this.addSql(`create table \`webhook_deliveries\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`webhook_id\` text not null, \`event_id\` text not null, \`event_type\` text not null, \`event_position\` bigint null, \`body\` text not null, \`status\` text not null default 'PENDING', \`attempts\` integer not null default 0, \`next_attempt_at\` datetime not null, \`claimed_until\` datetime null, \`last_attempt_at\` datetime null, \`delivered_at\` datetime null, \`response_status\` integer null, \`duration_ms\` integer null, \`response_body\` text null, \`error\` text null, constraint \`webhook_deliveries_webhook_id_foreign\` foreign key(\`webhook_id\`) references \`webhooks\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`webhook_deliveries_webhook_id_index\` on \`webhook_deliveries\` (\`webhook_id\`);`);
    this.addSql(`create index \`webhook_deliveries_webhook_index\` on \`webhook_deliveries\` (\`webhook_id\`, \`created_at\`);`);
    this.addSql(`create index \`webhook_deliveries_due_index\` on \`webhook_deliveries\` (\`status\`, \`next_attempt_at\`);`);
    this.addSql(`create unique index \`webhook_deliveries_event_unique\` on \`webhook_deliveries\` (\`webhook_id\`, \`event_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`webhook_deliveries\`;`);
    this.addSql(`drop table if exists \`webhooks\`;`);
  }
}
