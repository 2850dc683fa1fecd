#!/usr/bin/env node
import "reflect-metadata";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError, loadConfig } from "../config.js";
import { MigrationsNotApplied } from "../db/orm.js";
import { StartupLockTimeout } from "../db/startup-lock.js";
import { CliError, EXIT } from "./cli-error.js";

/**
 * `deskql`, the operator's command-line tool (package.json "bin"). The same built file runs from
 * a checkout (`node dist/src/cli/main.js`, or the npm scripts), a global install and the image,
 * and compiles nothing. Each command loads what it needs only when it runs, so `--help` and
 * `check-config` answer even where the database is unreachable.
 */

type Options = NonNullable<ParseArgsConfig["options"]>;
type Values = Record<string, string | boolean | undefined>;

interface Command {
  usage: string;
  summary: string;
  options?: Options;
  /** Positional arguments it takes at most. */
  positionals?: number;
  run(values: Values, positionals: string[]): Promise<number | void>;
}

const config = () => loadConfig();
const text = (value: string | boolean | undefined) => (typeof value === "string" ? value : undefined);

const COMMANDS: Record<string, Command> = {
  migrate: {
    usage: "deskql migrate",
    summary: "Apply the pending database migrations (under the startup lock: safe beside starting servers).",
    run: async () => (await import("./database.commands.js")).migrate(config()),
  },
  seed: {
    usage: "deskql seed",
    summary: "Fill the database with the deterministic demo desk (demo data only, never in production).",
    run: async () => (await import("./database.commands.js")).seed(config()),
  },
  "create-admin": {
    usage: "deskql create-admin --email EMAIL --name NAME [--password-stdin]",
    summary: "Create an admin account; prints a one-time password unless one is piped on stdin.",
    options: { email: { type: "string" }, name: { type: "string" }, "password-stdin": { type: "boolean" } },
    run: async (values) => {
      const { createAdmin, readStdin } = await import("./create-admin.command.js");
      if (!values.email || !values.name) throw new CliError("create-admin needs --email and --name", EXIT.usage);
      const password = values["password-stdin"] ? await readStdin() : undefined;
      return createAdmin(config(), { email: text(values.email)!, name: text(values.name)!, password });
    },
  },
  keys: {
    usage: "deskql keys rotate [--retire-previous]",
    summary: "Rotate the JWT signing key (docs/operations.md, \"Rotating the JWT signing key\").",
    options: { "retire-previous": { type: "boolean" } },
    positionals: 1,
    run: async (values, [action]) => {
      if (action !== "rotate") throw new CliError("usage: deskql keys rotate [--retire-previous]", EXIT.usage);
      return (await import("./keys.commands.js")).rotateKeys(config(), values["retire-previous"] === true);
    },
  },
  backup: {
    usage: "deskql backup [--out FILE|FOLDER] [--passphrase-file FILE] [--keep N]",
    summary: "Write one archive: a consistent copy of the database, the signing keys, the attachments, a manifest.",
    options: { out: { type: "string" }, "passphrase-file": { type: "string" }, keep: { type: "string" } },
    run: async (values) => {
      const keep = values.keep === undefined ? undefined : Number(values.keep);
      if (keep !== undefined && (!Number.isInteger(keep) || keep < 1)) throw new CliError("--keep: a whole number of backups, at least 1", EXIT.usage);
      await (await import("./backup.command.js")).backup(config(), { out: text(values.out), passphraseFile: text(values["passphrase-file"]), keep });
    },
  },
  restore: {
    usage: "deskql restore FILE [--passphrase-file FILE] [--force]",
    summary: "Check an archive and restore it, then apply newer migrations; refuses a non-empty desk without --force.",
    options: { "passphrase-file": { type: "string" }, force: { type: "boolean" } },
    positionals: 1,
    run: async (values, [file]) => {
      if (!file) throw new CliError("usage: deskql restore FILE [--passphrase-file FILE] [--force]", EXIT.usage);
      return (await import("./restore.command.js")).restore(config(), file, { passphraseFile: text(values["passphrase-file"]), force: values.force === true });
    },
  },
  "check-config": {
    usage: "deskql check-config [--offline]",
    summary: "Validate the settings and what the server needs (TLS, keys, database, migrations) without starting it.",
    options: { offline: { type: "boolean" } },
    run: async (values) => (await import("./check-config.command.js")).checkConfig({ offline: values.offline === true }),
  },
  jobs: {
    usage: "deskql jobs ...",
    summary: "The job runner's commands (`deskql jobs --help`).",
    run: () => {
      throw new Error("dispatched before parsing");
    },
  },
  "migration:create": {
    usage: "deskql migration:create [NAME]",
    summary: "Development, from a checkout: write the migrations for entity changes (both dialects).",
    positionals: 1,
    run: async (_values, [name]) => (await import("./database.commands.js")).createMigration(config(), name),
  },
};

/** Earlier spellings, still accepted (scripts and runbooks written for `node dist/src/db/cli.js`). */
const ALIASES: Record<string, string[]> = { "keys:rotate": ["keys", "rotate"] };

function help(): string {
  return [
    "deskql: operator commands for a DeskQL desk. Settings come from the environment, as for the server (.env.example).",
    "",
    "Usage:",
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}\n      ${c.summary}`),
    "",
    "  deskql <command> --help      this command's usage",
    "  deskql --version",
    "",
    "Exit codes: 0 done, 1 failed, 64 bad usage, 65 unreadable or damaged archive, 73 refused (would overwrite),",
    "75 try again later (the migration lock is held), 78 bad settings.",
  ].join("\n");
}

/** The job runner's own commands (src/cli/jobs.command.ts), loaded only when asked for. */
async function jobs(args: string[]): Promise<number> {
  return (await import("./jobs.command.js")).jobsCommand(args);
}

export async function run(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    console.log(help());
    return first === undefined ? EXIT.usage : 0;
  }
  if (first === "--version" || first === "-v") {
    console.log((await import("./backup/desk-files.js")).appVersion());
    return 0;
  }
  const [name, args] = ALIASES[first] ? [ALIASES[first]![0]!, [...ALIASES[first]!.slice(1), ...rest]] : [first, rest];
  if (name === "jobs") return jobs(args);
  const command = COMMANDS[name];
  if (!command) throw new CliError(`Unknown command "${first}".\n\n${help()}`, EXIT.usage);
  if (args.includes("--help") || args.includes("-h")) {
    console.log(`${command.usage}\n  ${command.summary}`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options: command.options ?? {}, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\nusage: ${command.usage}`, EXIT.usage);
  }
  if (parsed.positionals.length > (command.positionals ?? 0)) throw new CliError(`Unexpected argument "${parsed.positionals.at(-1)}".\nusage: ${command.usage}`, EXIT.usage);
  return (await command.run(parsed.values as Values, parsed.positionals)) ?? 0;
}

/** Maps a failure to its message and exit code: no stack trace for what an operator can fix. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError || error instanceof ConfigError) {
    console.error(error instanceof ConfigError ? `${error.message}\nSee .env.example for every setting.` : error.message);
    return error instanceof CliError ? error.exitCode : EXIT.config;
  }
  if (error instanceof StartupLockTimeout || error instanceof MigrationsNotApplied) {
    console.error(error.message);
    return EXIT.tempFail;
  }
  console.error(error);
  return 1;
}

run(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error) => (process.exitCode = exitCodeOf(error)),
);
