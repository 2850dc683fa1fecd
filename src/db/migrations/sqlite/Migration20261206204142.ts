import { Migration } from '@mikro-orm/migrations';

/** Single sign-on (modules/sso: login attempts, linked identities) and invitations (modules/invitations). */
export class Migration20261206204142 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`sso_login_attempts\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`browser_key_hash\` text not null, \`provider\` text not null, \`state\` text not null, \`nonce\` text not null, \`code_verifier\` text not null, \`expires_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`sso_login_attempts_browser_key_unique\` on \`sso_login_attempts\` (\`browser_key_hash\`);`);
    this.addSql(`create index \`sso_login_attempts_expires_index\` on \`sso_login_attempts\` (\`expires_at\`);`);
    this.addSql(`create table \`sso_identities\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`provider\` text not null, \`subject\` text not null, \`user_id\` text not null, \`last_sign_in_at\` datetime null, constraint \`sso_identities_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`sso_identities_user_id_index\` on \`sso_identities\` (\`user_id\`);`);
    this.addSql(`create unique index \`sso_identities_subject_unique\` on \`sso_identities\` (\`provider\`, \`subject\`);`);
    this.addSql(`create table \`invitations\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`email\` text not null, \`role\` text check (\`role\` in ('CUSTOMER', 'AGENT', 'ADMIN')) not null, \`token_hash\` text not null, \`invited_by_id\` text null, \`expires_at\` datetime not null, \`sent_at\` datetime not null, \`accepted_at\` datetime null, \`revoked_at\` datetime null, \`user_id\` text null, constraint \`invitations_invited_by_id_foreign\` foreign key(\`invited_by_id\`) references \`users\`(\`id\`) on delete set null on update cascade, constraint \`invitations_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create unique index \`invitations_token_hash_unique\` on \`invitations\` (\`token_hash\`);`);
    this.addSql(`create index \`invitations_invited_by_id_index\` on \`invitations\` (\`invited_by_id\`);`);
    this.addSql(`create index \`invitations_user_id_index\` on \`invitations\` (\`user_id\`);`);
    this.addSql(`create index \`invitations_email_index\` on \`invitations\` (\`email\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`invitations\`;`);
    this.addSql(`drop table if exists \`sso_identities\`;`);
    this.addSql(`drop table if exists \`sso_login_attempts\`;`);
  }
}
