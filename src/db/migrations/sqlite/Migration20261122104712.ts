import { Migration } from '@mikro-orm/migrations';

export class Migration20261122104712 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`counters\` (\`name\` text not null, \`value\` integer not null default 0, primary key (\`name\`));`);

    this.addSql(`create table \`tickets\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`number\` integer not null, \`subject\` text not null, \`description\` mediumtext not null, \`status\` text check (\`status\` in ('OPEN', 'IN_PROGRESS', 'WAITING_ON_CUSTOMER', 'RESOLVED', 'CLOSED')) not null default 'OPEN', \`priority\` text check (\`priority\` in ('LOW', 'NORMAL', 'HIGH', 'URGENT')) not null default 'NORMAL', \`priority_rank\` integer not null default 2, \`category\` text null, \`requester_id\` text not null, \`assignee_id\` text null, \`first_response_at\` datetime null, \`first_response_seconds\` integer null, \`first_response_late\` integer not null default false, \`resolved_at\` datetime null, \`closed_at\` datetime null, \`clock_paused_since\` datetime null, \`paused_seconds\` integer not null default 0, \`first_response_due_at\` datetime not null, \`resolution_due_at\` datetime not null, \`version\` integer not null default 1, constraint \`tickets_requester_id_foreign\` foreign key(\`requester_id\`) references \`users\`(\`id\`) on delete restrict on update cascade, constraint \`tickets_assignee_id_foreign\` foreign key(\`assignee_id\`) references \`users\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create unique index \`tickets_number_unique\` on \`tickets\` (\`number\`);`);
    this.addSql(`create index \`tickets_requester_id_index\` on \`tickets\` (\`requester_id\`);`);
    this.addSql(`create index \`tickets_assignee_id_index\` on \`tickets\` (\`assignee_id\`);`);
    this.addSql(`create index \`tickets_first_response_due_index\` on \`tickets\` (\`first_response_due_at\`);`);
    this.addSql(`create index \`tickets_resolution_due_index\` on \`tickets\` (\`resolution_due_at\`);`);
    this.addSql(`create index \`tickets_assignee_status_index\` on \`tickets\` (\`assignee_id\`, \`status\`);`);
    this.addSql(`create index \`tickets_requester_created_index\` on \`tickets\` (\`requester_id\`, \`created_at\`);`);
    this.addSql(`create index \`tickets_status_index\` on \`tickets\` (\`status\`, \`created_at\`);`);
    this.addSql(`create index \`tickets_priority_rank_index\` on \`tickets\` (\`priority_rank\`, \`id\`);`);
    this.addSql(`create index \`tickets_updated_index\` on \`tickets\` (\`updated_at\`, \`id\`);`);
    this.addSql(`create index \`tickets_created_index\` on \`tickets\` (\`created_at\`, \`id\`);`);

    this.addSql(`create table \`comments\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`author_id\` text not null, \`subject_type\` text check (\`subject_type\` in ('TICKET', 'ISSUE')) not null, \`subject_id\` text not null, \`body\` mediumtext not null, \`internal\` integer not null default false, \`edited_at\` datetime null, \`deleted_at\` datetime null, \`version\` integer not null default 1, constraint \`comments_author_id_foreign\` foreign key(\`author_id\`) references \`users\`(\`id\`) on delete restrict on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`comments_author_id_index\` on \`comments\` (\`author_id\`);`);
    this.addSql(`create index \`comments_author_index\` on \`comments\` (\`author_id\`, \`created_at\`);`);
    this.addSql(`create index \`comments_subject_created_index\` on \`comments\` (\`subject_id\`, \`created_at\`, \`id\`);`);

  }

}
