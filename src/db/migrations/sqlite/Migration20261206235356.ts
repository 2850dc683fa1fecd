import { Migration } from '@mikro-orm/migrations';

/** Customer organisations (modules/organisations): organisations, their email domains and their members with a role. */
export class Migration20261206235356 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`organisations\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`name\` text not null, \`notes\` text not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`organisations_name_unique\` on \`organisations\` (\`name\`);`);

    this.addSql(`create table \`organisation_domains\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`domain\` text not null, \`organisation_id\` text not null, constraint \`organisation_domains_organisation_id_foreign\` foreign key(\`organisation_id\`) references \`organisations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create unique index \`organisation_domains_domain_unique\` on \`organisation_domains\` (\`domain\`);`);
    this.addSql(`create index \`organisation_domains_organisation_id_index\` on \`organisation_domains\` (\`organisation_id\`);`);

    this.addSql(`create table \`organisation_members\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`organisation_id\` text not null, \`user_id\` text not null, \`role\` text check (\`role\` in ('MEMBER', 'MANAGER')) not null default 'MEMBER', constraint \`organisation_members_organisation_id_foreign\` foreign key(\`organisation_id\`) references \`organisations\`(\`id\`) on delete cascade on update cascade, constraint \`organisation_members_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`organisation_members_organisation_id_index\` on \`organisation_members\` (\`organisation_id\`);`);
    this.addSql(`create index \`organisation_members_user_id_index\` on \`organisation_members\` (\`user_id\`);`);
    this.addSql(`create index \`organisation_members_user_index\` on \`organisation_members\` (\`user_id\`, \`role\`);`);
    this.addSql(`create unique index \`organisation_members_unique\` on \`organisation_members\` (\`organisation_id\`, \`user_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`organisation_members\`;`);
    this.addSql(`drop table if exists \`organisation_domains\`;`);
    this.addSql(`drop table if exists \`organisations\`;`);
  }
}
