import { Migration } from '@mikro-orm/migrations';

/** Single sign-on (modules/sso: login attempts, linked identities) and invitations (modules/invitations). */
export class Migration20261206204141 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`sso_login_attempts\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`browser_key_hash\` varchar(64) not null, \`provider\` varchar(32) not null, \`state\` varchar(128) not null, \`nonce\` varchar(128) not null, \`code_verifier\` varchar(128) not null, \`expires_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sso_login_attempts\` add unique \`sso_login_attempts_browser_key_unique\`(\`browser_key_hash\`);`);
    this.addSql(`alter table \`sso_login_attempts\` add index \`sso_login_attempts_expires_index\`(\`expires_at\`);`);
    this.addSql(`create table \`sso_identities\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`provider\` varchar(32) not null, \`subject\` varchar(255) not null, \`user_id\` varchar(36) not null, \`last_sign_in_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sso_identities\` add index \`sso_identities_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`sso_identities\` add unique \`sso_identities_subject_unique\`(\`provider\`, \`subject\`);`);
    this.addSql(`create table \`invitations\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`email\` varchar(254) not null, \`role\` enum('CUSTOMER', 'AGENT', 'ADMIN') not null, \`token_hash\` varchar(64) not null, \`invited_by_id\` varchar(36) null, \`expires_at\` datetime(3) not null, \`sent_at\` datetime(3) not null, \`accepted_at\` datetime(3) null, \`revoked_at\` datetime(3) null, \`user_id\` varchar(36) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`invitations\` add unique \`invitations_token_hash_unique\`(\`token_hash\`);`);
    this.addSql(`alter table \`invitations\` add index \`invitations_invited_by_id_index\`(\`invited_by_id\`);`);
    this.addSql(`alter table \`invitations\` add index \`invitations_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`invitations\` add index \`invitations_email_index\`(\`email\`);`);
    this.addSql(`alter table \`sso_identities\` add constraint \`sso_identities_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`invitations\` add constraint \`invitations_invited_by_id_foreign\` foreign key (\`invited_by_id\`) references \`users\` (\`id\`) on update cascade on delete set null;`);
    this.addSql(`alter table \`invitations\` add constraint \`invitations_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`invitations\`;`);
    this.addSql(`drop table if exists \`sso_identities\`;`);
    this.addSql(`drop table if exists \`sso_login_attempts\`;`);
  }
}
