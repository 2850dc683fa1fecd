import { Migration } from '@mikro-orm/migrations';

export class Migration20261122104115 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`users\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`email\` text not null, \`display_name\` text not null, \`role\` text check (\`role\` in ('CUSTOMER', 'AGENT', 'ADMIN')) not null default 'CUSTOMER', \`password_hash\` text not null, \`email_verified\` integer not null default false, \`last_login_at\` datetime null, \`failed_login_count\` integer not null default 0, \`locked_until\` datetime null, \`deactivated_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create unique index \`users_email_unique\` on \`users\` (\`email\`);`);
    this.addSql(`create index \`users_role_index\` on \`users\` (\`role\`);`);

    this.addSql(`create table \`sessions\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`user_id\` text not null, \`ip\` text null, \`user_agent\` text null, \`last_active_at\` datetime not null, \`expires_at\` datetime not null, \`revoked_at\` datetime null, \`revoked_reason\` text null, constraint \`sessions_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`sessions_user_id_index\` on \`sessions\` (\`user_id\`);`);
    this.addSql(`create index \`sessions_user_active_index\` on \`sessions\` (\`user_id\`, \`revoked_at\`);`);

    this.addSql(`create table \`refresh_tokens\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`session_id\` text not null, \`token_hash\` text not null, \`rotated_at\` datetime null, \`expires_at\` datetime not null, constraint \`refresh_tokens_session_id_foreign\` foreign key(\`session_id\`) references \`sessions\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`refresh_tokens_session_id_index\` on \`refresh_tokens\` (\`session_id\`);`);
    this.addSql(`create unique index \`refresh_tokens_hash_unique\` on \`refresh_tokens\` (\`token_hash\`);`);

    this.addSql(`create table \`audit_events\` (\`id\` text not null, \`actor_id\` text null, \`action\` text not null, \`target_type\` text null, \`target_id\` text null, \`ip\` text null, \`user_agent\` text null, \`details\` json null, \`created_at\` datetime not null, constraint \`audit_events_actor_id_foreign\` foreign key(\`actor_id\`) references \`users\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`audit_events_actor_id_index\` on \`audit_events\` (\`actor_id\`);`);
    this.addSql(`create index \`audit_events_created_index\` on \`audit_events\` (\`created_at\`);`);
    this.addSql(`create index \`audit_events_actor_index\` on \`audit_events\` (\`actor_id\`, \`created_at\`);`);
    this.addSql(`create index \`audit_events_action_index\` on \`audit_events\` (\`action\`, \`created_at\`);`);
    this.addSql(`create index \`audit_events_target_index\` on \`audit_events\` (\`target_type\`, \`target_id\`, \`created_at\`);`);
  }

}
