import { randomBytes } from "node:crypto";
import type { AppConfig } from "../config.js";
import { systemClock } from "../core/clock.js";
import { DomainEvents } from "../core/events/domain-events.js";
import { Role } from "../core/identity.js";
import { systemScope } from "../core/scope.js";
import { eventStore } from "../db/event-store.js";
import { initOrm } from "../db/orm.js";
import { PasswordHasher } from "../modules/auth/password.hasher.js";
import { passwordProblems } from "../modules/auth/password.policy.js";
import { User } from "../modules/users/user.entity.js";
import { CliError, EXIT } from "./cli-error.js";

/** Reads a password piped on stdin (`--password-stdin`), without its trailing newline. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/[\r\n]+$/, "");
}

/**
 * `deskql create-admin --email E --name N [--password-stdin]`: an admin account, for a desk
 * whose admins are gone or that needs another. Without --password-stdin the password is random
 * and printed once. An existing account is never changed (the admin API does that).
 */
export async function createAdmin(config: AppConfig, input: { email: string; name: string; password?: string }): Promise<void> {
  const email = input.email.trim().toLowerCase();
  const name = input.name.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new CliError(`--email: "${input.email}" is not an email address`, EXIT.usage);
  if (!name || name.length > 100) throw new CliError("--name: 1 to 100 characters", EXIT.usage);
  const password = input.password ?? randomBytes(18).toString("base64url");
  const problems = passwordProblems(password, email, config.passwords);
  if (problems.length) throw new CliError(`The password ${problems.join("; ")}`, EXIT.usage);

  const orm = await initOrm(config, { migrations: config.migrations.onStart ? "apply" : "await" });
  try {
    const scope = systemScope(orm.em.fork(), systemClock, "create-admin");
    if (await scope.em.count(User, { email })) throw new CliError(`An account with ${email} exists already: change its role with setUserRole as an admin.`, EXIT.refused);
    const passwordHash = await new PasswordHasher(config.passwords).hash(password);
    const events = new DomainEvents(eventStore);
    await events.transaction(scope, async (tx) => {
      const admin = tx.em.create(User, { email, displayName: name, passwordHash, role: Role.ADMIN });
      admin.emailVerified = true;
      await events.raise(tx, {
        type: "user.created",
        actorId: null,
        target: { type: "User", id: admin.id },
        refs: { userId: admin.id },
        visibility: "ADMIN",
        payload: { reason: "create-admin command", role: Role.ADMIN },
      });
    });
  } finally {
    await orm.close(true);
  }
  console.log(`Created the admin ${email}.`);
  if (!input.password) console.log(`One-time password: ${password}\nIt is shown only this once: change it after signing in.`);
}
