import { Migration } from '@mikro-orm/migrations';

/** Background jobs (job_runs, job_units) and Idempotency-Key records (idempotency_keys). */
export class Migration20261206204509 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`idempotency_keys\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`owner\` varchar(64) not null, \`key_hash\` varchar(64) not null, \`fingerprint\` varchar(64) not null, \`status\` varchar(16) not null default 'IN_FLIGHT', \`response\` mediumtext null, \`expires_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`idempotency_keys\` add index \`idempotency_keys_expires_index\`(\`expires_at\`);`);
    this.addSql(`alter table \`idempotency_keys\` add unique \`idempotency_keys_owner_key_unique\`(\`owner\`, \`key_hash\`);`);
    this.addSql(`create table \`job_runs\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`job_name\` varchar(64) not null, \`trigger\` varchar(16) not null, \`dry_run\` tinyint(1) not null, \`slot\` varchar(32) null, \`started_by_id\` varchar(36) null, \`status\` varchar(16) not null default 'RUNNING', \`started_at\` datetime(3) not null, \`finished_at\` datetime(3) null, \`total\` int not null default 0, \`processed\` int not null default 0, \`skipped\` int not null default 0, \`errors\` int not null default 0, \`report\` text null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`job_runs\` add index \`job_runs_job_index\`(\`job_name\`, \`started_at\`);`);
    this.addSql(`alter table \`job_runs\` add unique \`job_runs_slot_unique\`(\`job_name\`, \`slot\`);`);
    this.addSql(`create table \`job_units\` (\`id\` varchar(36) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`job_name\` varchar(64) not null, \`key\` varchar(191) not null, \`status\` varchar(16) not null default 'PENDING', \`attempts\` int not null default 0, \`last_error\` varchar(1000) null, \`result\` varchar(1000) null, \`leased_until\` datetime(3) null, \`run_id\` varchar(36) null, \`completed_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`job_units\` add index \`job_units_status_index\`(\`job_name\`, \`status\`);`);
    this.addSql(`alter table \`job_units\` add unique \`job_units_key_unique\`(\`job_name\`, \`key\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`idempotency_keys\`;`);
    this.addSql(`drop table if exists \`job_runs\`;`);
    this.addSql(`drop table if exists \`job_units\`;`);
  }

}
