import { Migration } from '@mikro-orm/migrations';

/** Merging duplicate tickets (modules/merge): a merged ticket points at the one it was merged into; moved comments remember their first ticket's number. */
export class Migration20261206233557 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`tickets\` add \`merged_into_id\` varchar(36) null;`);
    this.addSql(`alter table \`tickets\` add constraint \`tickets_merged_into_id_foreign\` foreign key (\`merged_into_id\`) references \`tickets\` (\`id\`) on update cascade on delete set null;`);
    this.addSql(`alter table \`tickets\` add index \`tickets_merged_into_id_index\`(\`merged_into_id\`);`);
    this.addSql(`alter table \`comments\` add \`merged_from_number\` int null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`tickets\` drop foreign key \`tickets_merged_into_id_foreign\`;`);
    this.addSql(`alter table \`tickets\` drop index \`tickets_merged_into_id_index\`;`);
    this.addSql(`alter table \`tickets\` drop column \`merged_into_id\`;`);
    this.addSql(`alter table \`comments\` drop column \`merged_from_number\`;`);
  }
}
