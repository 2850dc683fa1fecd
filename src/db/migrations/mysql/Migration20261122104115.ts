import { Migration } from '@mikro-orm/migrations';

export class Migration20261122104115 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`users\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`email\` varchar(254) not null, \`display_name\` varchar(100) not null, \`role\` enum('CUSTOMER', 'AGENT', 'ADMIN') not null default 'CUSTOMER', \`password_hash\` varchar(255) not null, \`email_verified\` tinyint(1) not null default false, \`last_login_at\` datetime(3) null, \`failed_login_count\` int not null default 0, \`locked_until\` datetime(3) null, \`deactivated_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`users\` add unique \`users_email_unique\`(\`email\`);`);
    this.addSql(`alter table \`users\` add index \`users_role_index\`(\`role\`);`);

    this.addSql(`create table \`sessions\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`user_id\` varchar(36) not null, \`ip\` varchar(64) null, \`user_agent\` varchar(512) null, \`last_active_at\` datetime(3) not null, \`expires_at\` datetime(3) not null, \`revoked_at\` datetime(3) null, \`revoked_reason\` varchar(40) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sessions\` add index \`sessions_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`sessions\` add index \`sessions_user_active_index\`(\`user_id\`, \`revoked_at\`);`);

    this.addSql(`create table \`refresh_tokens\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`session_id\` varchar(36) not null, \`token_hash\` varchar(64) not null, \`rotated_at\` datetime(3) null, \`expires_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`refresh_tokens\` add index \`refresh_tokens_session_id_index\`(\`session_id\`);`);
    this.addSql(`alter table \`refresh_tokens\` add unique \`refresh_tokens_hash_unique\`(\`token_hash\`);`);

    this.addSql(`create table \`audit_events\` (\`id\` varchar(36) not null, \`actor_id\` varchar(36) null, \`action\` varchar(64) not null, \`target_type\` varchar(32) null, \`target_id\` varchar(36) null, \`ip\` varchar(64) null, \`user_agent\` varchar(512) null, \`details\` json null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`audit_events\` add index \`audit_events_actor_id_index\`(\`actor_id\`);`);
    this.addSql(`alter table \`audit_events\` add index \`audit_events_created_index\`(\`created_at\`);`);
    this.addSql(`alter table \`audit_events\` add index \`audit_events_actor_index\`(\`actor_id\`, \`created_at\`);`);
    this.addSql(`alter table \`audit_events\` add index \`audit_events_action_index\`(\`action\`, \`created_at\`);`);
    this.addSql(`alter table \`audit_events\` add index \`audit_events_target_index\`(\`target_type\`, \`target_id\`, \`created_at\`);`);

    this.addSql(`alter table \`sessions\` add constraint \`sessions_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`alter table \`refresh_tokens\` add constraint \`refresh_tokens_session_id_foreign\` foreign key (\`session_id\`) references \`sessions\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`alter table \`audit_events\` add constraint \`audit_events_actor_id_foreign\` foreign key (\`actor_id\`) references \`users\` (\`id\`) on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`sessions\` drop foreign key \`sessions_user_id_foreign\`;`);

    this.addSql(`alter table \`audit_events\` drop foreign key \`audit_events_actor_id_foreign\`;`);

    this.addSql(`alter table \`refresh_tokens\` drop foreign key \`refresh_tokens_session_id_foreign\`;`);

    this.addSql(`drop table if exists \`users\`;`);

    this.addSql(`drop table if exists \`sessions\`;`);

    this.addSql(`drop table if exists \`refresh_tokens\`;`);

    this.addSql(`drop table if exists \`audit_events\`;`);
  }

}
