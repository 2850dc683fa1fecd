import { Migration } from '@mikro-orm/migrations';

/** Failed sign-ins for emails with no account (modules/auth/unknown-email-lockout.ts), shared by every replica. */
export class Migration20261206182435 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`unknown_email_lockouts\` (\`email_key\` varchar(64) not null, \`failures\` int not null default 0, \`locked_until_ms\` bigint null, primary key (\`email_key\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`unknown_email_lockouts\` add index \`unknown_email_lockouts_locked_until_index\`(\`locked_until_ms\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`unknown_email_lockouts\`;`);
  }
}
