import { Migration } from '@mikro-orm/migrations';

/** Tags on tickets and issues, canned responses and macros (modules/tags, canned-responses, macros). */
export class Migration20261206235043 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`tags\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`name\` varchar(50) not null, \`normalized\` varchar(50) not null, \`version\` int not null default 1, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`tags\` add unique \`tags_normalized_unique\`(\`normalized\`);`);
    this.addSql(`create table \`ticket_tags\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`ticket_id\` varchar(36) not null, \`tag_id\` varchar(36) not null, \`added_by_id\` varchar(36) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`ticket_tags\` add index \`ticket_tags_ticket_id_index\`(\`ticket_id\`);`);
    this.addSql(`alter table \`ticket_tags\` add index \`ticket_tags_tag_id_index\`(\`tag_id\`);`);
    this.addSql(`alter table \`ticket_tags\` add index \`ticket_tags_added_by_id_index\`(\`added_by_id\`);`);
    this.addSql(`alter table \`ticket_tags\` add index \`ticket_tags_tag_index\`(\`tag_id\`, \`ticket_id\`);`);
    this.addSql(`alter table \`ticket_tags\` add unique \`ticket_tags_pair_unique\`(\`ticket_id\`, \`tag_id\`);`);
    this.addSql(`alter table \`ticket_tags\` add constraint \`ticket_tags_ticket_id_foreign\` foreign key (\`ticket_id\`) references \`tickets\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`ticket_tags\` add constraint \`ticket_tags_tag_id_foreign\` foreign key (\`tag_id\`) references \`tags\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`ticket_tags\` add constraint \`ticket_tags_added_by_id_foreign\` foreign key (\`added_by_id\`) references \`users\` (\`id\`) on update cascade on delete set null;`);
    this.addSql(`create table \`issue_tags\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`issue_id\` varchar(36) not null, \`tag_id\` varchar(36) not null, \`added_by_id\` varchar(36) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`issue_tags\` add index \`issue_tags_issue_id_index\`(\`issue_id\`);`);
    this.addSql(`alter table \`issue_tags\` add index \`issue_tags_tag_id_index\`(\`tag_id\`);`);
    this.addSql(`alter table \`issue_tags\` add index \`issue_tags_added_by_id_index\`(\`added_by_id\`);`);
    this.addSql(`alter table \`issue_tags\` add index \`issue_tags_tag_index\`(\`tag_id\`, \`issue_id\`);`);
    this.addSql(`alter table \`issue_tags\` add unique \`issue_tags_pair_unique\`(\`issue_id\`, \`tag_id\`);`);
    this.addSql(`alter table \`issue_tags\` add constraint \`issue_tags_issue_id_foreign\` foreign key (\`issue_id\`) references \`issues\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`issue_tags\` add constraint \`issue_tags_tag_id_foreign\` foreign key (\`tag_id\`) references \`tags\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`issue_tags\` add constraint \`issue_tags_added_by_id_foreign\` foreign key (\`added_by_id\`) references \`users\` (\`id\`) on update cascade on delete set null;`);
    this.addSql(`create table \`canned_responses\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`title\` varchar(100) not null, \`body\` text not null, \`shared\` tinyint(1) not null default false, \`owner_id\` varchar(36) not null, \`version\` int not null default 1, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`canned_responses\` add index \`canned_responses_owner_id_index\`(\`owner_id\`);`);
    this.addSql(`alter table \`canned_responses\` add index \`canned_responses_owner_index\`(\`owner_id\`, \`shared\`);`);
    this.addSql(`alter table \`canned_responses\` add constraint \`canned_responses_owner_id_foreign\` foreign key (\`owner_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`create table \`macros\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`name\` varchar(100) not null, \`shared\` tinyint(1) not null default false, \`actions\` json not null, \`owner_id\` varchar(36) not null, \`version\` int not null default 1, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`macros\` add index \`macros_owner_id_index\`(\`owner_id\`);`);
    this.addSql(`alter table \`macros\` add index \`macros_owner_index\`(\`owner_id\`, \`shared\`);`);
    this.addSql(`alter table \`macros\` add constraint \`macros_owner_id_foreign\` foreign key (\`owner_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`macros\`;`);
    this.addSql(`drop table if exists \`canned_responses\`;`);
    this.addSql(`drop table if exists \`issue_tags\`;`);
    this.addSql(`drop table if exists \`ticket_tags\`;`);
    this.addSql(`drop table if exists \`tags\`;`);
  }
}
