import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { ImapFlow } from "imapflow";

/**
 * A real IMAP server for the email intake's tests: Dovecot from Debian's packages
 * (`dovecot-imapd`, installed by .ci/run), started on a free loopback port with a temporary
 * config, a passwd-file user and a Maildir, plain-text login allowed (loopback only, no TLS).
 */
export interface Dovecot {
  host: string;
  port: number;
  user: string;
  password: string;
  mailbox: string;
  /** INTAKE_IMAP_URL for this mailbox. */
  url: string;
  /** Delivers a raw message into the mailbox (IMAP APPEND), unseen. */
  deliver(raw: string | Buffer): Promise<void>;
  /** The UIDs of the mailbox's messages with and without \Seen. */
  flags(): Promise<{ seen: number[]; unseen: number[] }>;
  stop(): Promise<void>;
}

export const DOVECOT_BIN = "/usr/sbin/dovecot";

export const dovecotInstalled = () => existsSync(DOVECOT_BIN);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: string, withinMs = 20_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited (${child.exitCode}): ${existsSync(log) ? readFileSync(log, "utf8").slice(-2000) : ""}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`dovecot did not listen on ${port} within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Dovecot refuses to run mail processes as root: as root the mail belongs to the `dovecot` user. */
function mailOwner(): { uid: number; gid: number; loginUser: string; internalUser: string } {
  const me = userInfo();
  if (me.uid !== 0) return { uid: me.uid, gid: me.gid, loginUser: me.username, internalUser: me.username };
  const id = (flag: string) => Number(spawnSync("id", [flag, "dovecot"], { encoding: "utf8" }).stdout.trim());
  return { uid: id("-u"), gid: id("-g"), loginUser: "dovenull", internalUser: "dovecot" };
}

export async function startDovecot(): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), "deskql-dovecot-"));
  const port = await freePort();
  const owner = mailOwner();
  const user = "desk";
  const password = "intake secret 1";
  const mailDir = join(dir, "mail");
  mkdirSync(mailDir);
  mkdirSync(join(dir, "run"));
  mkdirSync(join(dir, "state"));
  chownSync(mailDir, owner.uid, owner.gid);
  // Dovecot's auth and mail processes run as other users: they must reach the folder and the passwd file.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, "passwd"), `${user}:{PLAIN}${password}::::::\n`, { mode: 0o644 });
  const log = join(dir, "dovecot.log");
  const config = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${log}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = ${owner.loginUser}
default_internal_user = ${owner.internalUser}
first_valid_uid = 1
mail_location = maildir:${mailDir}/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${owner.uid} gid=${owner.gid} home=${mailDir}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
  const conf = join(dir, "dovecot.conf");
  writeFileSync(conf, config);
  const child = spawn(DOVECOT_BIN, ["-F", "-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  try {
    await waitForPort(port, child, log);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }

  const client = () => new ImapFlow({ host: "127.0.0.1", port, secure: false, auth: { user, pass: password }, logger: false });
  const withClient = async <T>(work: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const c = client();
    await c.connect();
    try {
      return await work(c);
    } finally {
      await c.logout().catch(() => c.close());
    }
  };

  return {
    host: "127.0.0.1",
    port,
    user,
    password,
    mailbox: "INBOX",
    url: `imap://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/INBOX`,
    deliver: (raw) => withClient(async (c) => void (await c.append("INBOX", raw, []))),
    flags: () =>
      withClient(async (c) => {
        const lock = await c.getMailboxLock("INBOX");
        try {
          const seen = (await c.search({ seen: true }, { uid: true })) || [];
          const unseen = (await c.search({ seen: false }, { uid: true })) || [];
          return { seen, unseen };
        } finally {
          lock.release();
        }
      }),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
