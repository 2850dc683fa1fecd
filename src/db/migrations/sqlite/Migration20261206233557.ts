import { Migration } from '@mikro-orm/migrations';

/** Merging duplicate tickets (modules/merge): a merged ticket points at the one it was merged into; moved comments remember their first ticket's number. */
export class Migration20261206233557 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`tickets\` add column \`merged_into_id\` text null constraint \`tickets_merged_into_id_foreign\` references \`tickets\` (\`id\`) on update cascade on delete set null;`);
    this.addSql(`create index \`tickets_merged_into_id_index\` on \`tickets\` (\`merged_into_id\`);`);
    this.addSql(`alter table \`comments\` add column \`merged_from_number\` integer null;`);
  }
}
