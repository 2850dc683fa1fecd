import { Migration } from '@mikro-orm/migrations';

export class Migration20261122105339 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`projects\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`key\` text not null, \`name\` text not null, \`description\` text null, \`lead_id\` text null, \`archived_at\` datetime null, \`last_issue_number\` integer not null default 0, \`version\` integer not null default 1, constraint \`projects_lead_id_foreign\` foreign key(\`lead_id\`) references \`users\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create unique index \`projects_key_unique\` on \`projects\` (\`key\`);`);
    this.addSql(`create index \`projects_lead_id_index\` on \`projects\` (\`lead_id\`);`);
    this.addSql(`create index \`projects_name_index\` on \`projects\` (\`name\`, \`id\`);`);
    this.addSql(`create index \`projects_created_index\` on \`projects\` (\`created_at\`, \`id\`);`);

    this.addSql(`create table \`issues\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`project_id\` text not null, \`number\` integer not null, \`key\` text not null, \`title\` text not null, \`description\` mediumtext not null, \`status\` text check (\`status\` in ('TODO', 'IN_PROGRESS', 'IN_REVIEW', 'DONE', 'CANCELED')) not null default 'TODO', \`priority\` text check (\`priority\` in ('LOW', 'NORMAL', 'HIGH', 'URGENT')) not null default 'NORMAL', \`priority_rank\` integer not null default 2, \`reporter_id\` text not null, \`assignee_id\` text null, \`parent_id\` text null, \`version\` integer not null default 1, constraint \`issues_project_id_foreign\` foreign key(\`project_id\`) references \`projects\`(\`id\`) on delete restrict on update cascade, constraint \`issues_reporter_id_foreign\` foreign key(\`reporter_id\`) references \`users\`(\`id\`) on delete restrict on update cascade, constraint \`issues_assignee_id_foreign\` foreign key(\`assignee_id\`) references \`users\`(\`id\`) on delete set null on update cascade, constraint \`issues_parent_id_foreign\` foreign key(\`parent_id\`) references \`issues\`(\`id\`) on delete restrict on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`issues_project_id_index\` on \`issues\` (\`project_id\`);`);
    this.addSql(`create unique index \`issues_key_unique\` on \`issues\` (\`key\`);`);
    this.addSql(`create index \`issues_reporter_id_index\` on \`issues\` (\`reporter_id\`);`);
    this.addSql(`create index \`issues_assignee_id_index\` on \`issues\` (\`assignee_id\`);`);
    this.addSql(`create index \`issues_parent_id_index\` on \`issues\` (\`parent_id\`);`);
    this.addSql(`create index \`issues_parent_status_index\` on \`issues\` (\`parent_id\`, \`status\`);`);
    this.addSql(`create index \`issues_assignee_status_index\` on \`issues\` (\`assignee_id\`, \`status\`);`);
    this.addSql(`create index \`issues_project_status_index\` on \`issues\` (\`project_id\`, \`status\`);`);
    this.addSql(`create index \`issues_project_created_index\` on \`issues\` (\`project_id\`, \`created_at\`);`);
    this.addSql(`create index \`issues_priority_rank_index\` on \`issues\` (\`priority_rank\`, \`id\`);`);
    this.addSql(`create index \`issues_updated_index\` on \`issues\` (\`updated_at\`, \`id\`);`);
    this.addSql(`create index \`issues_created_index\` on \`issues\` (\`created_at\`, \`id\`);`);
    this.addSql(`create unique index \`issues_project_number_unique\` on \`issues\` (\`project_id\`, \`number\`);`);

    this.addSql(`create table \`ticket_issue_links\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`ticket_id\` text not null, \`issue_id\` text not null, \`linked_by_id\` text null, constraint \`ticket_issue_links_ticket_id_foreign\` foreign key(\`ticket_id\`) references \`tickets\`(\`id\`) on delete cascade on update cascade, constraint \`ticket_issue_links_issue_id_foreign\` foreign key(\`issue_id\`) references \`issues\`(\`id\`) on delete cascade on update cascade, constraint \`ticket_issue_links_linked_by_id_foreign\` foreign key(\`linked_by_id\`) references \`users\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`ticket_issue_links_ticket_id_index\` on \`ticket_issue_links\` (\`ticket_id\`);`);
    this.addSql(`create index \`ticket_issue_links_issue_id_index\` on \`ticket_issue_links\` (\`issue_id\`);`);
    this.addSql(`create index \`ticket_issue_links_linked_by_id_index\` on \`ticket_issue_links\` (\`linked_by_id\`);`);
    this.addSql(`create index \`ticket_issue_links_issue_index\` on \`ticket_issue_links\` (\`issue_id\`, \`created_at\`);`);
    this.addSql(`create unique index \`ticket_issue_links_pair_unique\` on \`ticket_issue_links\` (\`ticket_id\`, \`issue_id\`);`);
  }

}
