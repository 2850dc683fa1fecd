import { Migration } from '@mikro-orm/migrations';

export class Migration20261206212323 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`inbound_mails\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`message_key\` text not null, \`mailbox\` text null, \`uid\` integer null, \`sender\` text null, \`subject\` text null, \`status\` text check (\`status\` in ('PROCESSED', 'IGNORED', 'REJECTED', 'HELD', 'FAILED')) not null default 'PROCESSED', \`reason\` text null, \`ticket_id\` text null, \`comment_id\` text null, \`raw_key\` text null, \`attempts\` integer not null default 1, primary key (\`id\`));`);
    this.addSql(`create unique index \`inbound_mails_message_key_unique\` on \`inbound_mails\` (\`message_key\`);`);
    this.addSql(`create index \`inbound_mails_comment_index\` on \`inbound_mails\` (\`comment_id\`);`);
    this.addSql(`create index \`inbound_mails_ticket_index\` on \`inbound_mails\` (\`ticket_id\`);`);
    this.addSql(`create index \`inbound_mails_status_index\` on \`inbound_mails\` (\`status\`, \`created_at\`);`);

    this.addSql(`alter table \`mail_outbox\` add column \`message_id\` text null;`);
    this.addSql(`alter table \`mail_outbox\` add column \`ticket_id\` text null;`);
    this.addSql(`create index \`mail_outbox_message_id_index\` on \`mail_outbox\` (\`message_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`inbound_mails\`;`);
    this.addSql(`drop index if exists \`mail_outbox_message_id_index\`;`);
    this.addSql(`alter table \`mail_outbox\` drop column \`message_id\`;`);
    this.addSql(`alter table \`mail_outbox\` drop column \`ticket_id\`;`);
  }

}
