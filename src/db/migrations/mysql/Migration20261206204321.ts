import { Migration } from '@mikro-orm/migrations';

/** Attachments (modules/attachments): uploads and the files attached to tickets, comments and issues. */
export class Migration20261206204321 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`attachments\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`uploader_id\` varchar(36) not null, \`file_name\` varchar(255) not null, \`size\` int not null, \`content_type\` varchar(127) not null, \`sha256\` varchar(64) not null, \`storage_key\` varchar(200) not null, \`parent_type\` enum('TICKET', 'COMMENT', 'ISSUE') null, \`parent_id\` varchar(36) null, \`ticket_id\` varchar(36) null, \`internal\` tinyint(1) not null default false, \`attached_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`attachments\` add index \`attachments_ticket_index\`(\`ticket_id\`);`);
    this.addSql(`alter table \`attachments\` add index \`attachments_parent_index\`(\`parent_id\`, \`created_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`attachments\`;`);
  }
}
