import { Migration } from '@mikro-orm/migrations';

/** Ticket watchers, CC addresses and satisfaction ratings (modules/watchers, modules/satisfaction), and the two email settings they add. */
export class Migration20261206234203 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`ticket_watchers\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`ticket_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`added_by_id\` varchar(36) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`ticket_watchers\` add index \`ticket_watchers_ticket_id_index\`(\`ticket_id\`);`);
    this.addSql(`alter table \`ticket_watchers\` add index \`ticket_watchers_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`ticket_watchers\` add index \`ticket_watchers_added_by_id_index\`(\`added_by_id\`);`);
    this.addSql(`alter table \`ticket_watchers\` add index \`ticket_watchers_user_index\`(\`user_id\`, \`created_at\`);`);
    this.addSql(`alter table \`ticket_watchers\` add unique \`ticket_watchers_pair_unique\`(\`ticket_id\`, \`user_id\`);`);
    this.addSql(`alter table \`ticket_watchers\` add constraint \`ticket_watchers_ticket_id_foreign\` foreign key (\`ticket_id\`) references \`tickets\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`ticket_watchers\` add constraint \`ticket_watchers_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`ticket_watchers\` add constraint \`ticket_watchers_added_by_id_foreign\` foreign key (\`added_by_id\`) references \`users\` (\`id\`) on update cascade on delete set null;`);

    this.addSql(`create table \`ticket_ccs\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`ticket_id\` varchar(36) not null, \`email\` varchar(254) not null, \`added_by_id\` varchar(36) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`ticket_ccs\` add index \`ticket_ccs_ticket_id_index\`(\`ticket_id\`);`);
    this.addSql(`alter table \`ticket_ccs\` add index \`ticket_ccs_added_by_id_index\`(\`added_by_id\`);`);
    this.addSql(`alter table \`ticket_ccs\` add unique \`ticket_ccs_pair_unique\`(\`ticket_id\`, \`email\`);`);
    this.addSql(`alter table \`ticket_ccs\` add constraint \`ticket_ccs_ticket_id_foreign\` foreign key (\`ticket_id\`) references \`tickets\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`ticket_ccs\` add constraint \`ticket_ccs_added_by_id_foreign\` foreign key (\`added_by_id\`) references \`users\` (\`id\`) on update cascade on delete set null;`);

    this.addSql(`create table \`ticket_satisfactions\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`ticket_id\` varchar(36) not null, \`requester_id\` varchar(36) not null, \`agent_id\` varchar(36) null, \`score\` tinyint not null, \`comment\` text null, \`rated_at\` datetime(3) not null, \`version\` int not null default 1, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`ticket_satisfactions\` add index \`ticket_satisfactions_ticket_id_index\`(\`ticket_id\`);`);
    this.addSql(`alter table \`ticket_satisfactions\` add index \`ticket_satisfactions_requester_id_index\`(\`requester_id\`);`);
    this.addSql(`alter table \`ticket_satisfactions\` add index \`ticket_satisfactions_agent_id_index\`(\`agent_id\`);`);
    this.addSql(`alter table \`ticket_satisfactions\` add index \`ticket_satisfactions_rated_index\`(\`rated_at\`);`);
    this.addSql(`alter table \`ticket_satisfactions\` add index \`ticket_satisfactions_agent_index\`(\`agent_id\`, \`rated_at\`);`);
    this.addSql(`alter table \`ticket_satisfactions\` add unique \`ticket_satisfactions_ticket_unique\`(\`ticket_id\`);`);
    this.addSql(`alter table \`ticket_satisfactions\` add constraint \`ticket_satisfactions_ticket_id_foreign\` foreign key (\`ticket_id\`) references \`tickets\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`ticket_satisfactions\` add constraint \`ticket_satisfactions_requester_id_foreign\` foreign key (\`requester_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`ticket_satisfactions\` add constraint \`ticket_satisfactions_agent_id_foreign\` foreign key (\`agent_id\`) references \`users\` (\`id\`) on update cascade on delete set null;`);

    this.addSql(`alter table \`notification_preferences\` add \`watched_tickets\` tinyint(1) not null default true, add \`mentions\` tinyint(1) not null default true;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`ticket_watchers\`;`);
    this.addSql(`drop table if exists \`ticket_ccs\`;`);
    this.addSql(`drop table if exists \`ticket_satisfactions\`;`);
    this.addSql(`alter table \`notification_preferences\` drop column \`watched_tickets\`, drop column \`mentions\`;`);
  }
}
