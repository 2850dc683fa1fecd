import { Migration } from '@mikro-orm/migrations';

/** Background jobs (job_runs, job_units) and Idempotency-Key records (idempotency_keys). */
export class Migration20261206204510 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`idempotency_keys\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`owner\` text not null, \`key_hash\` text not null, \`fingerprint\` text not null, \`status\` text not null default 'IN_FLIGHT', \`response\` mediumtext null, \`expires_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`idempotency_keys_expires_index\` on \`idempotency_keys\` (\`expires_at\`);`);
    this.addSql(`create unique index \`idempotency_keys_owner_key_unique\` on \`idempotency_keys\` (\`owner\`, \`key_hash\`);`);
    this.addSql(`create table \`job_runs\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`job_name\` text not null, \`trigger\` text not null, \`dry_run\` integer not null, \`slot\` text null, \`started_by_id\` text null, \`status\` text not null default 'RUNNING', \`started_at\` datetime not null, \`finished_at\` datetime null, \`total\` integer not null default 0, \`processed\` integer not null default 0, \`skipped\` integer not null default 0, \`errors\` integer not null default 0, \`report\` text null, primary key (\`id\`));`);
    this.addSql(`create index \`job_runs_job_index\` on \`job_runs\` (\`job_name\`, \`started_at\`);`);
    this.addSql(`create unique index \`job_runs_slot_unique\` on \`job_runs\` (\`job_name\`, \`slot\`);`);
    this.addSql(`create table \`job_units\` (\`id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`job_name\` text not null, \`key\` text not null, \`status\` text not null default 'PENDING', \`attempts\` integer not null default 0, \`last_error\` text null, \`result\` text null, \`leased_until\` datetime null, \`run_id\` text null, \`completed_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`job_units_status_index\` on \`job_units\` (\`job_name\`, \`status\`);`);
    this.addSql(`create unique index \`job_units_key_unique\` on \`job_units\` (\`job_name\`, \`key\`);`);
  }

  override async down(): Promise<void> {

  }

}
