import { Migration } from '@mikro-orm/migrations';

/** Failed sign-ins for emails with no account (modules/auth/unknown-email-lockout.ts), shared by every replica. */
export class Migration20261206182435 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`unknown_email_lockouts\` (\`email_key\` text not null, \`failures\` integer not null default 0, \`locked_until_ms\` bigint null, primary key (\`email_key\`));`);
    this.addSql(`create index \`unknown_email_lockouts_locked_until_index\` on \`unknown_email_lockouts\` (\`locked_until_ms\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`unknown_email_lockouts\`;`);
  }
}
