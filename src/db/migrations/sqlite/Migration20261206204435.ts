import { Migration } from '@mikro-orm/migrations';

/** Second factors (modules/mfa): TOTP state, recovery codes, passkeys, sign-in challenges, role policies. */
export class Migration20261206204435 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`mfa_role_policies\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`role\` text check (\`role\` in ('CUSTOMER', 'AGENT', 'ADMIN')) not null, \`required\` integer not null, \`grace_days\` integer not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`mfa_role_policies_role_unique\` on \`mfa_role_policies\` (\`role\`);`);
    this.addSql(`create table \`mfa_states\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`user_id\` text not null, \`totp_secret\` text null, \`pending_totp_secret\` text null, \`totp_enabled_at\` datetime null, \`last_totp_step\` bigint null, \`grace_started_at\` datetime null, constraint \`mfa_states_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create unique index \`mfa_states_user_unique\` on \`mfa_states\` (\`user_id\`);`);
    this.addSql(`create table \`mfa_recovery_codes\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`user_id\` text not null, \`code_hash\` text not null, \`used_at\` datetime null, constraint \`mfa_recovery_codes_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`mfa_recovery_codes_user_id_index\` on \`mfa_recovery_codes\` (\`user_id\`);`);
    this.addSql(`create unique index \`mfa_recovery_codes_hash_unique\` on \`mfa_recovery_codes\` (\`code_hash\`);`);
    this.addSql(`create index \`mfa_recovery_codes_user_index\` on \`mfa_recovery_codes\` (\`user_id\`, \`used_at\`);`);
    this.addSql(`create table \`mfa_passkeys\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`user_id\` text not null, \`name\` text not null, \`credential_id\` text not null, \`public_key\` text not null, \`sign_count\` bigint not null default 0, \`transports\` text null, \`last_used_at\` datetime null, constraint \`mfa_passkeys_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create unique index \`mfa_passkeys_credential_unique\` on \`mfa_passkeys\` (\`credential_id\`);`);
    this.addSql(`create index \`mfa_passkeys_user_index\` on \`mfa_passkeys\` (\`user_id\`);`);
    this.addSql(`create table \`mfa_challenges\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`token_hash\` text not null, \`purpose\` text check (\`purpose\` in ('SECOND_FACTOR', 'ENROLMENT', 'PASSKEY_SIGN_IN', 'PASSKEY_REGISTRATION')) not null, \`user_id\` text null, \`method\` text null, \`webauthn_challenge\` text null, \`expires_at\` datetime not null, \`used_at\` datetime null, constraint \`mfa_challenges_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create unique index \`mfa_challenges_hash_unique\` on \`mfa_challenges\` (\`token_hash\`);`);
    this.addSql(`create index \`mfa_challenges_user_id_index\` on \`mfa_challenges\` (\`user_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`mfa_challenges\`;`);
    this.addSql(`drop table if exists \`mfa_passkeys\`;`);
    this.addSql(`drop table if exists \`mfa_recovery_codes\`;`);
    this.addSql(`drop table if exists \`mfa_states\`;`);
    this.addSql(`drop table if exists \`mfa_role_policies\`;`);
  }
}
