import { Migration } from '@mikro-orm/migrations';

/** Attachments (modules/attachments): uploads and the files attached to tickets, comments and issues. */
export class Migration20261206204322 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`attachments\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`uploader_id\` text not null, \`file_name\` text not null, \`size\` integer not null, \`content_type\` text not null, \`sha256\` text not null, \`storage_key\` text not null, \`parent_type\` text check (\`parent_type\` in ('TICKET', 'COMMENT', 'ISSUE')) null, \`parent_id\` text null, \`ticket_id\` text null, \`internal\` integer not null default false, \`attached_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`attachments_ticket_index\` on \`attachments\` (\`ticket_id\`);`);
    this.addSql(`create index \`attachments_parent_index\` on \`attachments\` (\`parent_id\`, \`created_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`attachments\`;`);
  }
}
