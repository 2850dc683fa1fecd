import { Migration } from '@mikro-orm/migrations';

export class Migration20261122104712 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`counters\` (\`name\` varchar(64) not null, \`value\` int not null default 0, primary key (\`name\`)) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`tickets\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`number\` int not null, \`subject\` varchar(200) not null, \`description\` mediumtext not null, \`status\` enum('OPEN', 'IN_PROGRESS', 'WAITING_ON_CUSTOMER', 'RESOLVED', 'CLOSED') not null default 'OPEN', \`priority\` enum('LOW', 'NORMAL', 'HIGH', 'URGENT') not null default 'NORMAL', \`priority_rank\` tinyint not null default 2, \`category\` varchar(50) null, \`requester_id\` varchar(36) not null, \`assignee_id\` varchar(36) null, \`first_response_at\` datetime(3) null, \`first_response_seconds\` int null, \`first_response_late\` tinyint(1) not null default false, \`resolved_at\` datetime(3) null, \`closed_at\` datetime(3) null, \`clock_paused_since\` datetime(3) null, \`paused_seconds\` int not null default 0, \`first_response_due_at\` datetime(3) not null, \`resolution_due_at\` datetime(3) not null, \`version\` int not null default 1, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`tickets\` add unique \`tickets_number_unique\`(\`number\`);`);
    this.addSql(`alter table \`tickets\` add index \`tickets_requester_id_index\`(\`requester_id\`);`);
    this.addSql(`alter table \`tickets\` add index \`tickets_assignee_id_index\`(\`assignee_id\`);`);
    this.addSql(`alter table \`tickets\` add fulltext index \`tickets_text_fulltext\`(\`subject\`,\`description\`);`);
    this.addSql(`alter table \`tickets\` add index \`tickets_first_response_due_index\`(\`first_response_due_at\`);`);
    this.addSql(`alter table \`tickets\` add index \`tickets_resolution_due_index\`(\`resolution_due_at\`);`);
    this.addSql(`alter table \`tickets\` add index \`tickets_assignee_status_index\`(\`assignee_id\`, \`status\`);`);
    this.addSql(`alter table \`tickets\` add index \`tickets_requester_created_index\`(\`requester_id\`, \`created_at\`);`);
    this.addSql(`alter table \`tickets\` add index \`tickets_status_index\`(\`status\`, \`created_at\`);`);
    this.addSql(`alter table \`tickets\` add index \`tickets_priority_rank_index\`(\`priority_rank\`, \`id\`);`);
    this.addSql(`alter table \`tickets\` add index \`tickets_updated_index\`(\`updated_at\`, \`id\`);`);
    this.addSql(`alter table \`tickets\` add index \`tickets_created_index\`(\`created_at\`, \`id\`);`);

    this.addSql(`create table \`comments\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`author_id\` varchar(36) not null, \`subject_type\` enum('TICKET', 'ISSUE') not null, \`subject_id\` varchar(36) not null, \`body\` mediumtext not null, \`internal\` tinyint(1) not null default false, \`edited_at\` datetime(3) null, \`deleted_at\` datetime(3) null, \`version\` int not null default 1, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`comments\` add index \`comments_author_id_index\`(\`author_id\`);`);
    this.addSql(`alter table \`comments\` add fulltext index \`comments_body_fulltext\`(\`body\`);`);
    this.addSql(`alter table \`comments\` add index \`comments_author_index\`(\`author_id\`, \`created_at\`);`);
    this.addSql(`alter table \`comments\` add index \`comments_subject_created_index\`(\`subject_id\`, \`created_at\`, \`id\`);`);

    this.addSql(`alter table \`tickets\` add constraint \`tickets_requester_id_foreign\` foreign key (\`requester_id\`) references \`users\` (\`id\`) on update cascade on delete restrict;`);
    this.addSql(`alter table \`tickets\` add constraint \`tickets_assignee_id_foreign\` foreign key (\`assignee_id\`) references \`users\` (\`id\`) on update cascade on delete set null;`);

    this.addSql(`alter table \`comments\` add constraint \`comments_author_id_foreign\` foreign key (\`author_id\`) references \`users\` (\`id\`) on update cascade on delete restrict;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`counters\`;`);

    this.addSql(`drop table if exists \`tickets\`;`);

    this.addSql(`drop table if exists \`comments\`;`);

  }

}
