import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { comment, ok, openTicket, TICKET_COMMENTS, TICKET_LIST } from "../tickets/ticket-helpers.js";
import { buildCli, emptyDesk, type BuiltCli, type Desk } from "./built-cli.js";

/**
 * backup -> a fresh desk -> restore, with the built CLI as a child process, on the project's
 * database (MariaDB: the JS consistent-snapshot dump; embedded: VACUUM INTO), then the restored
 * desk is checked through the API of a server started on it.
 */
type User = Awaited<ReturnType<TestServer["createUser"]>>;
let cli: BuiltCli;
let source: Desk;
let target: Desk;
let t: TestServer;
let restored: TestServer | undefined;
let customer: User;
let agent: User;
let session: { accessToken: string; refreshToken: string };
let ticket: Awaited<ReturnType<typeof openTicket>>;
let archive: string;
let passphraseFile: string;

const ME = `{ me { id displayName role } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }`;

beforeAll(async () => {
  [cli, source, target] = await Promise.all([buildCli(), emptyDesk(), emptyDesk()]);
  t = await startTestServer({ env: source.env });
  [customer, agent] = await Promise.all([t.createUser("CUSTOMER", "Cleo Customer"), t.createUser("AGENT", "Andy Agent")]);
  ticket = await openTicket(t, customer.token, { subject: "The printer on floor 3 is on fire" });
  await comment(t, agent.token, ticket.id, "Have you tried turning it off and on again?");
  await comment(t, agent.token, ticket.id, "Internal: facilities are on their way", true);
  session = await t.login(customer.email, customer.password);
  // An attachment kept on disk (ATTACHMENTS_DIR defaults to the data folder's attachments/).
  mkdirSync(join(source.env.DATA_DIR!, "attachments/ab"), { recursive: true });
  writeFileSync(join(source.env.DATA_DIR!, "attachments/ab/01-log.txt"), "kernel: printer0 on fire\n");
  passphraseFile = join(source.dir, "passphrase");
  writeFileSync(passphraseFile, "correct horse battery staple\n", { mode: 0o600 });
}, 180_000);

afterAll(async () => {
  await restored?.close();
  await t?.close();
  await Promise.all([source?.remove(), target?.remove()]);
  cli?.remove();
});

describe("deskql backup", { timeout: 120_000 }, () => {
  it("writes one encrypted archive of the serving desk", async () => {
    const out = join(source.dir, "backups");
    const result = await cli.run(["backup", "--out", out, "--passphrase-file", passphraseFile, "--keep", "3"], { ...source.env, MIGRATE_ON_START: "false" });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const files = readdirSync(out);
    expect(files).toEqual([expect.stringMatching(/^deskql-backup-.*\.tar\.gz\.enc$/)]);
    archive = join(out, files[0]!);
    expect(result.stdout).toContain(archive);
    // Encrypted: neither gzip nor any of the desk's text is visible in it.
    const bytes = readFileSync(archive);
    expect(bytes.subarray(0, 8).toString()).toBe("DQLBAK01");
    expect(bytes.includes(Buffer.from("printer"))).toBe(false);
  });
});

describe("deskql restore", { timeout: 180_000 }, () => {
  it("refuses a wrong passphrase and leaves the desk as it was", async () => {
    const wrong = join(target.dir, "wrong");
    writeFileSync(wrong, "not the passphrase at all\n");
    const result = await cli.run(["restore", archive, "--passphrase-file", wrong], target.env);
    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(/wrong passphrase/);
    expect(existsSync(join(target.env.DATA_DIR!, "keys"))).toBe(false);
    // Without a passphrase an encrypted archive is refused before anything is read.
    const none = await cli.run(["restore", archive], target.env);
    expect(none.code).toBe(64);
    expect(none.stderr).toMatch(/encrypted: pass --passphrase-file/);
  });

  it("restores into a fresh desk the same users, tickets, comments, sessions and signing keys", async () => {
    const result = await cli.run(["restore", archive, "--passphrase-file", passphraseFile], target.env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Restored the backup of .* signing key\(s\), the attachments/);
    expect(readFileSync(join(target.env.DATA_DIR!, "attachments/ab/01-log.txt"), "utf8")).toBe("kernel: printer0 on fire\n");
    restored = await startTestServer({ env: target.env });

    // An access token the old desk signed still verifies: the signing keys and the session came back.
    expect(ok(await restored.gql(ME, {}, session.accessToken), "me")).toMatchObject({ id: customer.id, displayName: "Cleo Customer", role: "CUSTOMER" });
    // Its refresh token still works, once.
    const refreshed = ok(await restored.gql(REFRESH, { t: session.refreshToken }), "refreshToken");
    expect(ok(await restored.gql(ME, {}, refreshed.accessToken), "me")).toMatchObject({ id: customer.id });
    // Passwords came back with the users.
    const agentSession = await restored.login(agent.email, agent.password);
    expect(agentSession.userId).toBe(agent.id);

    const list = ok(await restored.gql(TICKET_LIST, { first: 10 }, agentSession.accessToken), "tickets");
    expect(list.nodes).toEqual([expect.objectContaining({ id: ticket.id, reference: ticket.reference, subject: "The printer on floor 3 is on fire" })]);
    const thread = ok(await restored.gql(TICKET_COMMENTS, { id: ticket.id, first: 10 }, agentSession.accessToken), "ticket");
    expect(thread.comments.nodes.map((c: { body: string; internal: boolean; author: { id: string } }) => [c.body, c.internal, c.author.id])).toEqual([
      ["Have you tried turning it off and on again?", false, agent.id],
      ["Internal: facilities are on their way", true, agent.id],
    ]);
    // The customer sees what they saw before: the public reply only.
    const theirs = ok(await restored.gql(TICKET_COMMENTS, { id: ticket.id, first: 10 }, refreshed.accessToken), "ticket");
    expect(theirs.comments.nodes.map((c: { body: string }) => c.body)).toEqual(["Have you tried turning it off and on again?"]);
  });

  it("refuses to overwrite a desk that is not empty without --force", async () => {
    const result = await cli.run(["restore", archive, "--passphrase-file", passphraseFile], target.env);
    expect(result.code).toBe(73);
    expect(result.stderr).toMatch(/This desk is not empty \(\d+ user\(s\) in the database, \d+ signing key\(s\).*--force/);
    // Nothing was touched: the restored desk still serves the same ticket.
    const { accessToken } = await restored!.login(agent.email, agent.password);
    expect(ok(await restored!.gql(TICKET_LIST, { first: 10 }, accessToken), "tickets").totalCount).toBe(1);
  });
});
