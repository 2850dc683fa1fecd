import { Migration } from '@mikro-orm/migrations';

/** Saved views (modules/saved-views): named ticket filters and sorts, personal or shared. */
export class Migration20261206234311 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`saved_views\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`name\` varchar(60) not null, \`owner_id\` varchar(36) not null, \`shared\` tinyint(1) not null default false, \`position\` int not null default 0, \`filter\` text not null, \`order_field\` varchar(20) null, \`order_direction\` varchar(4) null, \`version\` int not null default 1, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`saved_views\` add index \`saved_views_owner_id_index\`(\`owner_id\`);`);
    this.addSql(`alter table \`saved_views\` add index \`saved_views_shared_index\`(\`shared\`, \`position\`);`);
    this.addSql(`alter table \`saved_views\` add constraint \`saved_views_owner_id_foreign\` foreign key (\`owner_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`saved_views\`;`);
  }
}
