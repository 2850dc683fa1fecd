import { Migration } from '@mikro-orm/migrations';

/** Ticket watchers, CC addresses and satisfaction ratings (modules/watchers, modules/satisfaction), and the two email settings they add. */
export class Migration20261206234204 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`ticket_watchers\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`ticket_id\` text not null, \`user_id\` text not null, \`added_by_id\` text null, constraint \`ticket_watchers_ticket_id_foreign\` foreign key(\`ticket_id\`) references \`tickets\`(\`id\`) on delete cascade on update cascade, constraint \`ticket_watchers_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, constraint \`ticket_watchers_added_by_id_foreign\` foreign key(\`added_by_id\`) references \`users\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`ticket_watchers_ticket_id_index\` on \`ticket_watchers\` (\`ticket_id\`);`);
    this.addSql(`create index \`ticket_watchers_user_id_index\` on \`ticket_watchers\` (\`user_id\`);`);
    this.addSql(`create index \`ticket_watchers_added_by_id_index\` on \`ticket_watchers\` (\`added_by_id\`);`);
    this.addSql(`create index \`ticket_watchers_user_index\` on \`ticket_watchers\` (\`user_id\`, \`created_at\`);`);
    this.addSql(`create unique index \`ticket_watchers_pair_unique\` on \`ticket_watchers\` (\`ticket_id\`, \`user_id\`);`);

    this.addSql(`create table \`ticket_ccs\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`ticket_id\` text not null, \`email\` text not null, \`added_by_id\` text null, constraint \`ticket_ccs_ticket_id_foreign\` foreign key(\`ticket_id\`) references \`tickets\`(\`id\`) on delete cascade on update cascade, constraint \`ticket_ccs_added_by_id_foreign\` foreign key(\`added_by_id\`) references \`users\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`ticket_ccs_ticket_id_index\` on \`ticket_ccs\` (\`ticket_id\`);`);
    this.addSql(`create index \`ticket_ccs_added_by_id_index\` on \`ticket_ccs\` (\`added_by_id\`);`);
    this.addSql(`create unique index \`ticket_ccs_pair_unique\` on \`ticket_ccs\` (\`ticket_id\`, \`email\`);`);

    this.addSql(`create table \`ticket_satisfactions\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`ticket_id\` text not null, \`requester_id\` text not null, \`agent_id\` text null, \`score\` integer not null, \`comment\` text null, \`rated_at\` datetime not null, \`version\` integer not null default 1, constraint \`ticket_satisfactions_ticket_id_foreign\` foreign key(\`ticket_id\`) references \`tickets\`(\`id\`) on delete cascade on update cascade, constraint \`ticket_satisfactions_requester_id_foreign\` foreign key(\`requester_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, constraint \`ticket_satisfactions_agent_id_foreign\` foreign key(\`agent_id\`) references \`users\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`ticket_satisfactions_ticket_id_index\` on \`ticket_satisfactions\` (\`ticket_id\`);`);
    this.addSql(`create index \`ticket_satisfactions_requester_id_index\` on \`ticket_satisfactions\` (\`requester_id\`);`);
    this.addSql(`create index \`ticket_satisfactions_agent_id_index\` on \`ticket_satisfactions\` (\`agent_id\`);`);
    this.addSql(`create index \`ticket_satisfactions_rated_index\` on \`ticket_satisfactions\` (\`rated_at\`);`);
    this.addSql(`create index \`ticket_satisfactions_agent_index\` on \`ticket_satisfactions\` (\`agent_id\`, \`rated_at\`);`);
    this.addSql(`create unique index \`ticket_satisfactions_ticket_unique\` on \`ticket_satisfactions\` (\`ticket_id\`);`);

    this.addSql(`alter table \`notification_preferences\` add column \`watched_tickets\` integer not null default true;`);
    this.addSql(`alter table \`notification_preferences\` add column \`mentions\` integer not null default true;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`ticket_watchers\`;`);
    this.addSql(`drop table if exists \`ticket_ccs\`;`);
    this.addSql(`drop table if exists \`ticket_satisfactions\`;`);
  }
}
