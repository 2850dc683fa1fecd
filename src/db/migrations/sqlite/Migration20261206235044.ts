import { Migration } from '@mikro-orm/migrations';

/** Tags on tickets and issues, canned responses and macros (modules/tags, canned-responses, macros). */
export class Migration20261206235044 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`tags\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`name\` text not null, \`normalized\` text not null, \`version\` integer not null default 1, primary key (\`id\`));`);
    this.addSql(`create unique index \`tags_normalized_unique\` on \`tags\` (\`normalized\`);`);
    this.addSql(`create table \`ticket_tags\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`ticket_id\` text not null, \`tag_id\` text not null, \`added_by_id\` text null, constraint \`ticket_tags_ticket_id_foreign\` foreign key(\`ticket_id\`) references \`tickets\`(\`id\`) on delete cascade on update cascade, constraint \`ticket_tags_tag_id_foreign\` foreign key(\`tag_id\`) references \`tags\`(\`id\`) on delete cascade on update cascade, constraint \`ticket_tags_added_by_id_foreign\` foreign key(\`added_by_id\`) references \`users\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`ticket_tags_ticket_id_index\` on \`ticket_tags\` (\`ticket_id\`);`);
    this.addSql(`create index \`ticket_tags_tag_id_index\` on \`ticket_tags\` (\`tag_id\`);`);
    this.addSql(`create index \`ticket_tags_added_by_id_index\` on \`ticket_tags\` (\`added_by_id\`);`);
    this.addSql(`create index \`ticket_tags_tag_index\` on \`ticket_tags\` (\`tag_id\`, \`ticket_id\`);`);
    this.addSql(`create unique index \`ticket_tags_pair_unique\` on \`ticket_tags\` (\`ticket_id\`, \`tag_id\`);`);
    this.addSql(`create table \`issue_tags\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`issue_id\` text not null, \`tag_id\` text not null, \`added_by_id\` text null, constraint \`issue_tags_issue_id_foreign\` foreign key(\`issue_id\`) references \`issues\`(\`id\`) on delete cascade on update cascade, constraint \`issue_tags_tag_id_foreign\` foreign key(\`tag_id\`) references \`tags\`(\`id\`) on delete cascade on update cascade, constraint \`issue_tags_added_by_id_foreign\` foreign key(\`added_by_id\`) references \`users\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`issue_tags_issue_id_index\` on \`issue_tags\` (\`issue_id\`);`);
    this.addSql(`create index \`issue_tags_tag_id_index\` on \`issue_tags\` (\`tag_id\`);`);
    this.addSql(`create index \`issue_tags_added_by_id_index\` on \`issue_tags\` (\`added_by_id\`);`);
    this.addSql(`create index \`issue_tags_tag_index\` on \`issue_tags\` (\`tag_id\`, \`issue_id\`);`);
    this.addSql(`create unique index \`issue_tags_pair_unique\` on \`issue_tags\` (\`issue_id\`, \`tag_id\`);`);
    this.addSql(`create table \`canned_responses\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`title\` text not null, \`body\` text not null, \`shared\` integer not null default false, \`owner_id\` text not null, \`version\` integer not null default 1, constraint \`canned_responses_owner_id_foreign\` foreign key(\`owner_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`canned_responses_owner_id_index\` on \`canned_responses\` (\`owner_id\`);`);
    this.addSql(`create index \`canned_responses_owner_index\` on \`canned_responses\` (\`owner_id\`, \`shared\`);`);
    this.addSql(`create table \`macros\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`name\` text not null, \`shared\` integer not null default false, \`actions\` json not null, \`owner_id\` text not null, \`version\` integer not null default 1, constraint \`macros_owner_id_foreign\` foreign key(\`owner_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`macros_owner_id_index\` on \`macros\` (\`owner_id\`);`);
    this.addSql(`create index \`macros_owner_index\` on \`macros\` (\`owner_id\`, \`shared\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`macros\`;`);
    this.addSql(`drop table if exists \`canned_responses\`;`);
    this.addSql(`drop table if exists \`issue_tags\`;`);
    this.addSql(`drop table if exists \`ticket_tags\`;`);
    this.addSql(`drop table if exists \`tags\`;`);
  }
}
