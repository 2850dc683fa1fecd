import { parseArgs } from "node:util";
import { CliError, EXIT } from "./cli-error.js";

const USAGE = [
  "usage: deskql jobs list",
  "       deskql jobs run <name> [--dry-run] [--concurrency N] [--max-retries N]",
  "",
  "  list   every job with its schedule here and what it does",
  "  run    runs a job once, now, and prints Total / Processed / Skipped (idempotent) / Errors.",
  "         Units an earlier run did are skipped (their idempotency keys are recorded), so a",
  "         second run skips what the first did. --dry-run reports what it would do and changes nothing.",
].join("\n");

const count = (flag: string, value: string | undefined, min: number, max: number): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${flag}: a whole number from ${min} to ${max}\n${USAGE}`, EXIT.usage);
  return n;
};

/**
 * `deskql jobs list | run <name> ...`: the job runner from the command line (docs/operations.md,
 * "Jobs"). It builds the same services as the server (so a job's effects raise the same events,
 * audited and mailed as the server's would be) without starting their background work, runs the
 * job once in this process, and exits 0 when no unit failed, 1 otherwise.
 */
export async function jobsCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { "dry-run": { type: "boolean" }, concurrency: { type: "string" }, "max-retries": { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${USAGE}`, EXIT.usage);
  }
  const [action, name, ...extra] = parsed.positionals;
  if (parsed.values.help || action === "help") {
    console.log(USAGE);
    return 0;
  }
  if (action !== "list" && action !== "run") throw new CliError(USAGE, EXIT.usage);
  if ((action === "run" && !name) || extra.length || (action === "list" && name)) throw new CliError(USAGE, EXIT.usage);
  const concurrency = count("--concurrency", parsed.values.concurrency, 1, 64);
  const maxRetries = count("--max-retries", parsed.values["max-retries"], 0, 20);

  // Loaded only now: usage errors answer without importing the whole server.
  const [{ loadConfig }, { initOrm }, { SigningKeys }, { JobTrigger }, { createServices, stopServices }] = await Promise.all([
    import("../config.js"),
    import("../db/orm.js"),
    import("../modules/auth/signing-keys.js"),
    import("../modules/jobs/job-run.entity.js"),
    import("../services.js"),
  ]);
  const config = loadConfig();
  const keys = await SigningKeys.open(config.jwt.keysDir, { allowGenerate: config.jwt.allowGeneratedKeys });
  const orm = await initOrm(config, { migrations: config.migrations.onStart ? "apply" : "await" });
  const services = createServices(config, orm, keys);
  try {
    const runner = services.jobRunner;
    if (action === "list") {
      for (const job of runner.list()) console.log(`${job.name}\t${runner.scheduleOf(job) ?? "manual only"}\t${job.description}`);
      return 0;
    }
    if (!runner.list().some((job) => job.name === name)) throw new CliError(`No job is named "${name}". Jobs: ${runner.list().map((j) => j.name).join(", ")}`, EXIT.usage);
    const dryRun = parsed.values["dry-run"] === true;
    const summary = (await runner.run(name!, { trigger: JobTrigger.CLI, dryRun, concurrency, maxRetries }))!;
    console.log(`Job ${name}${dryRun ? " (dry run: nothing was changed)" : ""}, run ${summary.runId}`);
    for (const line of summary.lines) console.log(`  ${line}`);
    console.log(`Total: ${summary.total}`);
    console.log(`Processed: ${summary.processed}`);
    console.log(`Skipped (idempotent): ${summary.skipped}`);
    console.log(`Errors: ${summary.errors}`);
    return summary.errors ? 1 : 0;
  } finally {
    await stopServices(services).catch(() => undefined);
    await orm.close(true);
  }
}
