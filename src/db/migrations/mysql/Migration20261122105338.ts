import { Migration } from '@mikro-orm/migrations';

export class Migration20261122105338 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`projects\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`key\` varchar(10) not null, \`name\` varchar(100) not null, \`description\` text null, \`lead_id\` varchar(36) null, \`archived_at\` datetime(3) null, \`last_issue_number\` int not null default 0, \`version\` int not null default 1, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`projects\` add unique \`projects_key_unique\`(\`key\`);`);
    this.addSql(`alter table \`projects\` add index \`projects_lead_id_index\`(\`lead_id\`);`);
    this.addSql(`alter table \`projects\` add index \`projects_name_index\`(\`name\`, \`id\`);`);
    this.addSql(`alter table \`projects\` add index \`projects_created_index\`(\`created_at\`, \`id\`);`);

    this.addSql(`create table \`issues\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`project_id\` varchar(36) not null, \`number\` int not null, \`key\` varchar(24) not null, \`title\` varchar(200) not null, \`description\` mediumtext not null, \`status\` enum('TODO', 'IN_PROGRESS', 'IN_REVIEW', 'DONE', 'CANCELED') not null default 'TODO', \`priority\` enum('LOW', 'NORMAL', 'HIGH', 'URGENT') not null default 'NORMAL', \`priority_rank\` tinyint not null default 2, \`reporter_id\` varchar(36) not null, \`assignee_id\` varchar(36) null, \`parent_id\` varchar(36) null, \`version\` int not null default 1, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`issues\` add index \`issues_project_id_index\`(\`project_id\`);`);
    this.addSql(`alter table \`issues\` add unique \`issues_key_unique\`(\`key\`);`);
    this.addSql(`alter table \`issues\` add index \`issues_reporter_id_index\`(\`reporter_id\`);`);
    this.addSql(`alter table \`issues\` add index \`issues_assignee_id_index\`(\`assignee_id\`);`);
    this.addSql(`alter table \`issues\` add index \`issues_parent_id_index\`(\`parent_id\`);`);
    this.addSql(`alter table \`issues\` add index \`issues_parent_status_index\`(\`parent_id\`, \`status\`);`);
    this.addSql(`alter table \`issues\` add index \`issues_assignee_status_index\`(\`assignee_id\`, \`status\`);`);
    this.addSql(`alter table \`issues\` add index \`issues_project_status_index\`(\`project_id\`, \`status\`);`);
    this.addSql(`alter table \`issues\` add index \`issues_project_created_index\`(\`project_id\`, \`created_at\`);`);
    this.addSql(`alter table \`issues\` add index \`issues_priority_rank_index\`(\`priority_rank\`, \`id\`);`);
    this.addSql(`alter table \`issues\` add index \`issues_updated_index\`(\`updated_at\`, \`id\`);`);
    this.addSql(`alter table \`issues\` add index \`issues_created_index\`(\`created_at\`, \`id\`);`);
    this.addSql(`alter table \`issues\` add unique \`issues_project_number_unique\`(\`project_id\`, \`number\`);`);

    this.addSql(`create table \`ticket_issue_links\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`ticket_id\` varchar(36) not null, \`issue_id\` varchar(36) not null, \`linked_by_id\` varchar(36) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`ticket_issue_links\` add index \`ticket_issue_links_ticket_id_index\`(\`ticket_id\`);`);
    this.addSql(`alter table \`ticket_issue_links\` add index \`ticket_issue_links_issue_id_index\`(\`issue_id\`);`);
    this.addSql(`alter table \`ticket_issue_links\` add index \`ticket_issue_links_linked_by_id_index\`(\`linked_by_id\`);`);
    this.addSql(`alter table \`ticket_issue_links\` add index \`ticket_issue_links_issue_index\`(\`issue_id\`, \`created_at\`);`);
    this.addSql(`alter table \`ticket_issue_links\` add unique \`ticket_issue_links_pair_unique\`(\`ticket_id\`, \`issue_id\`);`);

    this.addSql(`alter table \`projects\` add constraint \`projects_lead_id_foreign\` foreign key (\`lead_id\`) references \`users\` (\`id\`) on update cascade on delete set null;`);

    this.addSql(`alter table \`issues\` add constraint \`issues_project_id_foreign\` foreign key (\`project_id\`) references \`projects\` (\`id\`) on update cascade on delete restrict;`);
    this.addSql(`alter table \`issues\` add constraint \`issues_reporter_id_foreign\` foreign key (\`reporter_id\`) references \`users\` (\`id\`) on update cascade on delete restrict;`);
    this.addSql(`alter table \`issues\` add constraint \`issues_assignee_id_foreign\` foreign key (\`assignee_id\`) references \`users\` (\`id\`) on update cascade on delete set null;`);
    this.addSql(`alter table \`issues\` add constraint \`issues_parent_id_foreign\` foreign key (\`parent_id\`) references \`issues\` (\`id\`) on update cascade on delete restrict;`);

    this.addSql(`alter table \`ticket_issue_links\` add constraint \`ticket_issue_links_ticket_id_foreign\` foreign key (\`ticket_id\`) references \`tickets\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`ticket_issue_links\` add constraint \`ticket_issue_links_issue_id_foreign\` foreign key (\`issue_id\`) references \`issues\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`ticket_issue_links\` add constraint \`ticket_issue_links_linked_by_id_foreign\` foreign key (\`linked_by_id\`) references \`users\` (\`id\`) on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`issues\` drop foreign key \`issues_project_id_foreign\`;`);

    this.addSql(`alter table \`issues\` drop foreign key \`issues_parent_id_foreign\`;`);

    this.addSql(`alter table \`ticket_issue_links\` drop foreign key \`ticket_issue_links_issue_id_foreign\`;`);

    this.addSql(`drop table if exists \`projects\`;`);

    this.addSql(`drop table if exists \`issues\`;`);

    this.addSql(`drop table if exists \`ticket_issue_links\`;`);
  }

}
