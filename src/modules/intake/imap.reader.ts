import { AsyncResource } from "node:async_hooks";
import type { ImapFlow } from "imapflow";
import type { Logger } from "pino";
import type { IntakeService } from "./intake.service.js";

export interface ImapSettings {
  /** imap[s]://user[:password]@host[:port][/mailbox]; the mailbox defaults to INBOX. */
  url: string;
  /** Overrides the URL's password (INTAKE_IMAP_PASSWORD or its _FILE). */
  password: string | null;
  tlsInsecure: boolean;
  pollSeconds: number;
}

/** The connection settings in INTAKE_IMAP_URL. */
export function imapTarget(settings: ImapSettings) {
  const url = new URL(settings.url);
  const secure = url.protocol === "imaps:";
  const mailbox = decodeURIComponent(url.pathname.replace(/^\//, "")) || "INBOX";
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    user,
    password: settings.password ?? decodeURIComponent(url.password),
    mailbox,
    /** For the logs and inbound_mails.mailbox: never the password. */
    label: `${user}@${url.hostname}/${mailbox}`,
  };
}

const RECONNECT_MS = 5_000;

/**
 * Reads one IMAP mailbox: every unseen message goes through the intake, and is flagged \Seen only
 * once the intake committed its outcome (so a crash in between re-reads it, and the intake's
 * Message-ID claim makes the second reading a no-op). New mail is heard at once while the server
 * offers IDLE (imapflow idles between commands); a pass runs every INTAKE_POLL_SECONDS anyway.
 */
export class ImapReader {
  private client: ImapFlow | null = null;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private logger: Pick<Logger, "info" | "warn" | "error"> | undefined;
  private readonly target: ReturnType<typeof imapTarget>;
  private scope = new AsyncResource("deskql.imap-reader");

  constructor(
    private readonly settings: ImapSettings,
    private readonly intake: IntakeService,
  ) {
    this.target = imapTarget(settings);
  }

  start(logger?: Pick<Logger, "info" | "warn" | "error">): void {
    if (!this.stopped) return;
    this.logger = logger;
    this.stopped = false;
    this.scope = new AsyncResource("deskql.imap-reader");
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    const client = this.client;
    this.client = null;
    await client?.logout().catch(() => client.close());
  }

  /** Runs a pass now, or right after the one in progress. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.scope.runInAsyncScope(() => this.loop()).finally(() => {
      this.running = undefined;
    });
  }

  private async loop(): Promise<void> {
    let delay = this.settings.pollSeconds * 1000;
    do {
      this.again = false;
      try {
        await this.pass(await this.connected());
      } catch (error) {
        // The server or the database may be briefly away: nothing was flagged, the next pass reads it again.
        this.logger?.warn({ err: error, mailbox: this.target.label }, "email intake pass failed; will retry");
        this.dropClient();
        delay = Math.min(delay, RECONNECT_MS);
      }
    } while (this.again && !this.stopped);
    if (this.stopped) return;
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }

  private async connected(): Promise<ImapFlow> {
    if (this.client?.usable) return this.client;
    this.dropClient();
    // Loaded here, not at startup: only a server with INTAKE_IMAP_URL needs it (~1.5 MB of heap).
    const { ImapFlow } = await import("imapflow");
    const client = new ImapFlow({
      host: this.target.host,
      port: this.target.port,
      secure: this.target.secure,
      auth: { user: this.target.user, pass: this.target.password },
      tls: { rejectUnauthorized: !this.settings.tlsInsecure },
      logger: false,
      // Idle a second after a pass (imapflow's default waits 15 s), so new mail is heard at once.
      autoIdleDelay: 1000,
    });
    // New mail while idling: read it now.
    client.on("exists", () => this.wake());
    client.on("error", (error: Error) => this.logger?.warn({ err: error, mailbox: this.target.label }, "IMAP connection error"));
    client.on("close", () => {
      if (this.client === client) this.client = null;
      if (!this.stopped) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.wake(), RECONNECT_MS);
        this.timer.unref();
      }
    });
    await client.connect();
    await client.mailboxOpen(this.target.mailbox);
    this.client = client;
    this.logger?.info({ mailbox: this.target.label, idle: client.capabilities.has("IDLE") }, "email intake reading the mailbox");
    return client;
  }

  private dropClient(): void {
    const client = this.client;
    this.client = null;
    client?.close();
  }

  /** Reads every unseen message, oldest first. */
  private async pass(client: ImapFlow): Promise<void> {
    const lock = await client.getMailboxLock(this.target.mailbox);
    try {
      const uids = (await client.search({ seen: false }, { uid: true })) || [];
      for (const uid of uids) {
        if (this.stopped) return;
        const message = await client.fetchOne(String(uid), { uid: true, size: true, envelope: true }, { uid: true });
        if (!message) continue;
        const origin = { mailbox: this.target.label, uid };
        if ((message.size ?? 0) > this.intake.maxBytes) {
          await this.intake.recordOversized(message.envelope?.messageId ?? null, origin, message.size ?? 0);
        } else {
          const known = message.envelope?.messageId ? await this.intake.handled(message.envelope.messageId.replace(/^<|>$/g, "").trim().toLowerCase()) : false;
          if (!known) {
            const full = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
            if (!full || !full.source) continue;
            await this.intake.receive(full.source, origin);
          }
        }
        // Only now, with the outcome committed: a crash before this line reads the message again.
        await client.messageFlagsAdd(String(uid), ["\\Seen"], { uid: true });
      }
    } finally {
      lock.release();
    }
  }
}
