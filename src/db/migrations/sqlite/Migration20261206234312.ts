import { Migration } from '@mikro-orm/migrations';

/** Saved views (modules/saved-views): named ticket filters and sorts, personal or shared. */
export class Migration20261206234312 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`saved_views\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`name\` text not null, \`owner_id\` text not null, \`shared\` integer not null default false, \`position\` integer not null default 0, \`filter\` text not null, \`order_field\` text null, \`order_direction\` text null, \`version\` integer not null default 1, constraint \`saved_views_owner_id_foreign\` foreign key(\`owner_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`saved_views_owner_id_index\` on \`saved_views\` (\`owner_id\`);`);
    this.addSql(`create index \`saved_views_shared_index\` on \`saved_views\` (\`shared\`, \`position\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`saved_views\`;`);
  }
}
