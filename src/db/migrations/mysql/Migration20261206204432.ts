import { Migration } from '@mikro-orm/migrations';

/** Second factors (modules/mfa): TOTP state, recovery codes, passkeys, sign-in challenges, role policies. */
export class Migration20261206204432 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`mfa_role_policies\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`role\` enum('CUSTOMER', 'AGENT', 'ADMIN') not null, \`required\` tinyint(1) not null, \`grace_days\` int not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`mfa_role_policies\` add unique \`mfa_role_policies_role_unique\`(\`role\`);`);
    this.addSql(`create table \`mfa_states\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`user_id\` varchar(36) not null, \`totp_secret\` varchar(255) null, \`pending_totp_secret\` varchar(255) null, \`totp_enabled_at\` datetime(3) null, \`last_totp_step\` bigint null, \`grace_started_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`mfa_states\` add unique \`mfa_states_user_unique\`(\`user_id\`);`);
    this.addSql(`create table \`mfa_recovery_codes\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`user_id\` varchar(36) not null, \`code_hash\` varchar(64) not null, \`used_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`mfa_recovery_codes\` add index \`mfa_recovery_codes_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`mfa_recovery_codes\` add unique \`mfa_recovery_codes_hash_unique\`(\`code_hash\`);`);
    this.addSql(`alter table \`mfa_recovery_codes\` add index \`mfa_recovery_codes_user_index\`(\`user_id\`, \`used_at\`);`);
    this.addSql(`create table \`mfa_passkeys\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`user_id\` varchar(36) not null, \`name\` varchar(60) not null, \`credential_id\` varchar(700) not null, \`public_key\` text not null, \`sign_count\` bigint not null default 0, \`transports\` varchar(100) null, \`last_used_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`mfa_passkeys\` add unique \`mfa_passkeys_credential_unique\`(\`credential_id\`);`);
    this.addSql(`alter table \`mfa_passkeys\` add index \`mfa_passkeys_user_index\`(\`user_id\`);`);
    this.addSql(`create table \`mfa_challenges\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`token_hash\` varchar(64) not null, \`purpose\` enum('SECOND_FACTOR', 'ENROLMENT', 'PASSKEY_SIGN_IN', 'PASSKEY_REGISTRATION') not null, \`user_id\` varchar(36) null, \`method\` varchar(20) null, \`webauthn_challenge\` varchar(128) null, \`expires_at\` datetime(3) not null, \`used_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`mfa_challenges\` add unique \`mfa_challenges_hash_unique\`(\`token_hash\`);`);
    this.addSql(`alter table \`mfa_challenges\` add index \`mfa_challenges_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`mfa_states\` add constraint \`mfa_states_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`mfa_recovery_codes\` add constraint \`mfa_recovery_codes_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`mfa_passkeys\` add constraint \`mfa_passkeys_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`mfa_challenges\` add constraint \`mfa_challenges_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`mfa_challenges\`;`);
    this.addSql(`drop table if exists \`mfa_passkeys\`;`);
    this.addSql(`drop table if exists \`mfa_recovery_codes\`;`);
    this.addSql(`drop table if exists \`mfa_states\`;`);
    this.addSql(`drop table if exists \`mfa_role_policies\`;`);
  }
}
