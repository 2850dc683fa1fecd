import { Migration } from '@mikro-orm/migrations';

export class Migration20261206212320 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`inbound_mails\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`message_key\` varchar(255) not null, \`mailbox\` varchar(255) null, \`uid\` int null, \`sender\` varchar(254) null, \`subject\` varchar(300) null, \`status\` enum('PROCESSED', 'IGNORED', 'REJECTED', 'HELD', 'FAILED') not null default 'PROCESSED', \`reason\` varchar(1000) null, \`ticket_id\` varchar(36) null, \`comment_id\` varchar(36) null, \`raw_key\` varchar(200) null, \`attempts\` int not null default 1, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`inbound_mails\` add unique \`inbound_mails_message_key_unique\`(\`message_key\`);`);
    this.addSql(`alter table \`inbound_mails\` add index \`inbound_mails_comment_index\`(\`comment_id\`);`);
    this.addSql(`alter table \`inbound_mails\` add index \`inbound_mails_ticket_index\`(\`ticket_id\`);`);
    this.addSql(`alter table \`inbound_mails\` add index \`inbound_mails_status_index\`(\`status\`, \`created_at\`);`);

    this.addSql(`alter table \`mail_outbox\` add \`message_id\` varchar(255) null, add \`ticket_id\` varchar(36) null;`);
    this.addSql(`alter table \`mail_outbox\` add index \`mail_outbox_message_id_index\`(\`message_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`inbound_mails\`;`);
    this.addSql(`alter table \`mail_outbox\` drop index \`mail_outbox_message_id_index\`;`);
    this.addSql(`alter table \`mail_outbox\` drop column \`message_id\`, drop column \`ticket_id\`;`);
  }

}
