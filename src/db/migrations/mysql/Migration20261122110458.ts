import { Migration } from '@mikro-orm/migrations';

export class Migration20261122110458 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`mail_outbox\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`recipient\` varchar(254) not null, \`kind\` varchar(40) not null, \`subject\` varchar(300) not null, \`text\` text null, \`html\` text null, \`attempts\` int not null default 0, \`next_attempt_at\` datetime(3) not null, \`last_error\` varchar(1000) null, \`claimed_until\` datetime(3) null, \`delivered_at\` datetime(3) null, \`failed_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`mail_outbox\` add index \`mail_outbox_recipient_index\`(\`recipient\`, \`created_at\`);`);
    this.addSql(`alter table \`mail_outbox\` add index \`mail_outbox_due_index\`(\`delivered_at\`, \`failed_at\`, \`next_attempt_at\`);`);

    this.addSql(`create table \`notification_preferences\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`user_id\` varchar(36) not null, \`ticket_replies\` tinyint(1) not null default true, \`ticket_resolved\` tinyint(1) not null default true, \`assigned_ticket_replies\` tinyint(1) not null default true, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`notification_preferences\` add unique \`notification_preferences_user_unique\`(\`user_id\`);`);

    this.addSql(`create table \`api_tokens\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`user_id\` varchar(36) not null, \`name\` varchar(100) not null, \`token_hash\` varchar(64) not null, \`hint\` varchar(16) not null, \`scopes\` varchar(200) not null, \`expires_at\` datetime(3) not null, \`last_used_at\` datetime(3) null, \`last_used_ip\` varchar(64) null, \`revoked_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`api_tokens\` add index \`api_tokens_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`api_tokens\` add unique \`api_tokens_hash_unique\`(\`token_hash\`);`);
    this.addSql(`alter table \`api_tokens\` add index \`api_tokens_user_index\`(\`user_id\`, \`revoked_at\`);`);

    this.addSql(`create table \`account_tokens\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`user_id\` varchar(36) not null, \`purpose\` enum('VERIFY_EMAIL', 'RESET_PASSWORD', 'SIGN_IN_LINK') not null, \`token_hash\` varchar(64) not null, \`expires_at\` datetime(3) not null, \`used_at\` datetime(3) null, \`voided_at\` datetime(3) null, \`requested_ip\` varchar(64) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`account_tokens\` add index \`account_tokens_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`account_tokens\` add unique \`account_tokens_hash_unique\`(\`token_hash\`);`);
    this.addSql(`alter table \`account_tokens\` add index \`account_tokens_user_purpose_index\`(\`user_id\`, \`purpose\`, \`used_at\`, \`voided_at\`);`);

    this.addSql(`alter table \`notification_preferences\` add constraint \`notification_preferences_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`alter table \`api_tokens\` add constraint \`api_tokens_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`alter table \`account_tokens\` add constraint \`account_tokens_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`mail_outbox\`;`);

    this.addSql(`drop table if exists \`notification_preferences\`;`);

    this.addSql(`drop table if exists \`api_tokens\`;`);

    this.addSql(`drop table if exists \`account_tokens\`;`);
  }
}
