import { Migration } from '@mikro-orm/migrations';

export class Migration20261122110459 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`mail_outbox\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`recipient\` text not null, \`kind\` text not null, \`subject\` text not null, \`text\` text null, \`html\` text null, \`attempts\` integer not null default 0, \`next_attempt_at\` datetime not null, \`last_error\` text null, \`claimed_until\` datetime null, \`delivered_at\` datetime null, \`failed_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`mail_outbox_recipient_index\` on \`mail_outbox\` (\`recipient\`, \`created_at\`);`);
    this.addSql(`create index \`mail_outbox_due_index\` on \`mail_outbox\` (\`delivered_at\`, \`failed_at\`, \`next_attempt_at\`);`);

    this.addSql(`create table \`notification_preferences\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`user_id\` text not null, \`ticket_replies\` integer not null default true, \`ticket_resolved\` integer not null default true, \`assigned_ticket_replies\` integer not null default true, constraint \`notification_preferences_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create unique index \`notification_preferences_user_unique\` on \`notification_preferences\` (\`user_id\`);`);

    this.addSql(`create table \`api_tokens\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`user_id\` text not null, \`name\` text not null, \`token_hash\` text not null, \`hint\` text not null, \`scopes\` text not null, \`expires_at\` datetime not null, \`last_used_at\` datetime null, \`last_used_ip\` text null, \`revoked_at\` datetime null, constraint \`api_tokens_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`api_tokens_user_id_index\` on \`api_tokens\` (\`user_id\`);`);
    this.addSql(`create unique index \`api_tokens_hash_unique\` on \`api_tokens\` (\`token_hash\`);`);
    this.addSql(`create index \`api_tokens_user_index\` on \`api_tokens\` (\`user_id\`, \`revoked_at\`);`);

    this.addSql(`create table \`account_tokens\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`user_id\` text not null, \`purpose\` text check (\`purpose\` in ('VERIFY_EMAIL', 'RESET_PASSWORD', 'SIGN_IN_LINK')) not null, \`token_hash\` text not null, \`expires_at\` datetime not null, \`used_at\` datetime null, \`voided_at\` datetime null, \`requested_ip\` text null, constraint \`account_tokens_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`account_tokens_user_id_index\` on \`account_tokens\` (\`user_id\`);`);
    this.addSql(`create unique index \`account_tokens_hash_unique\` on \`account_tokens\` (\`token_hash\`);`);
    this.addSql(`create index \`account_tokens_user_purpose_index\` on \`account_tokens\` (\`user_id\`, \`purpose\`, \`used_at\`, \`voided_at\`);`);
  }
}
