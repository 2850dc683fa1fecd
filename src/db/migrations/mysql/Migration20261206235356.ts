import { Migration } from '@mikro-orm/migrations';

/** Customer organisations (modules/organisations): organisations, their email domains and their members with a role. */
export class Migration20261206235356 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`organisations\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`name\` varchar(100) not null, \`notes\` text not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`organisations\` add unique \`organisations_name_unique\`(\`name\`);`);

    this.addSql(`create table \`organisation_domains\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`domain\` varchar(253) not null, \`organisation_id\` varchar(36) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`organisation_domains\` add unique \`organisation_domains_domain_unique\`(\`domain\`);`);
    this.addSql(`alter table \`organisation_domains\` add index \`organisation_domains_organisation_id_index\`(\`organisation_id\`);`);
    this.addSql(`alter table \`organisation_domains\` add constraint \`organisation_domains_organisation_id_foreign\` foreign key (\`organisation_id\`) references \`organisations\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`create table \`organisation_members\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`organisation_id\` varchar(36) not null, \`user_id\` varchar(36) not null, \`role\` enum('MEMBER', 'MANAGER') not null default 'MEMBER', primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`organisation_members\` add index \`organisation_members_organisation_id_index\`(\`organisation_id\`);`);
    this.addSql(`alter table \`organisation_members\` add index \`organisation_members_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`organisation_members\` add index \`organisation_members_user_index\`(\`user_id\`, \`role\`);`);
    this.addSql(`alter table \`organisation_members\` add unique \`organisation_members_unique\`(\`organisation_id\`, \`user_id\`);`);
    this.addSql(`alter table \`organisation_members\` add constraint \`organisation_members_organisation_id_foreign\` foreign key (\`organisation_id\`) references \`organisations\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`organisation_members\` add constraint \`organisation_members_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`organisation_members\`;`);
    this.addSql(`drop table if exists \`organisation_domains\`;`);
    this.addSql(`drop table if exists \`organisations\`;`);
  }
}
