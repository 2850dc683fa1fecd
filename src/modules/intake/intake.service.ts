import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { UniqueConstraintViolationException } from "@mikro-orm/core";
import type { ParsedMail } from "mailparser";
import type { Logger } from "pino";
import { v7 as uuidv7 } from "uuid";
import { systemClock, type Clock } from "../../core/clock.js";
import { AppError, NotFoundError } from "../../core/errors.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { isStaff, Role, type Viewer } from "../../core/identity.js";
import { systemScope, type RequestScope } from "../../core/scope.js";
import { READ_ONLY } from "../../core/writes.js";
import type { Orm } from "../../db/orm.js";
import { Attachment } from "../attachments/attachment.entity.js";
import type { AttachmentService } from "../attachments/attachment.service.js";
import type { PasswordHasher } from "../auth/password.hasher.js";
import type { CommentService } from "../comments/comment.service.js";
import { OutboxMessage } from "../mail/outbox-message.entity.js";
import { REPLY_MARKER } from "../mail/ticket-mail.templates.js";
import { DESCRIPTION_MAX, SUBJECT_MAX, Ticket } from "../tickets/ticket.entity.js";
import type { TicketService } from "../tickets/ticket.service.js";
import { isFinal } from "../tickets/ticket.states.js";
import { User } from "../users/user.entity.js";
import { InboundMail } from "./inbound-mail.entity.js";
import { InboundMailStatus } from "./inbound-mail.enums.js";
import "./intake.events.js";
import { loopReason } from "./mail-loops.js";
import { htmlToMarkdown, stripReply } from "./mail-text.js";

export interface IntakeSettings {
  maxBytes: number;
  unknownSenders: "create" | "reject";
  otherReplies: "hold" | "reject";
  closedReplies: "new" | "reject";
}

/** Where a message came from: an IMAP mailbox and UID, or the SMTP listener. */
export interface MailOrigin {
  mailbox: string | null;
  uid: number | null;
}

export interface IntakeOutcome {
  status: InboundMailStatus;
  /** The inbound_mails row; null when another replica (or an earlier run) handled the message. */
  id: string | null;
  duplicate: boolean;
}

/** A message that cannot be processed as it is: recorded FAILED with this reason. */
class IntakeFailure extends Error {}

/** Recorded as REJECTED, HELD or IGNORED instead of a ticket or comment. */
class Refusal extends Error {
  constructor(
    readonly status: InboundMailStatus,
    reason: string,
  ) {
    super(reason);
  }
}

const COMMENT_MAX = 20_000;
/** Kept raw messages in the attachment storage: `intake-<row id>.eml` (no folders: the local storage takes plain keys). */
const RAW_PREFIX = "intake-";

/**
 * Email intake: each received message (IMAP reader, SMTP listener, retry) becomes a ticket or a
 * comment exactly once. The inbound_mails row is inserted first, in the transaction that writes
 * the ticket or comment: a unique violation on its Message-ID means the message was handled.
 */
export class IntakeService {
  logger: Pick<Logger, "info" | "warn" | "error"> | undefined;
  /** Business time (services.clock, which tests replace). */
  clock: () => Clock = () => systemClock;
  private readonly host: string;

  constructor(
    private readonly settings: IntakeSettings,
    private readonly orm: Orm,
    private readonly events: DomainEvents,
    private readonly tickets: TicketService,
    private readonly comments: CommentService,
    private readonly attachments: AttachmentService,
    private readonly hasher: PasswordHasher,
    publicUrl: string,
  ) {
    this.host = new URL(publicUrl).hostname.toLowerCase();
  }

  get maxBytes(): number {
    return this.settings.maxBytes;
  }

  /** A message over INTAKE_MAX_BYTES, known only by its envelope: recorded REJECTED without reading it. */
  async recordOversized(messageId: string | null, origin: MailOrigin, size: number): Promise<IntakeOutcome> {
    const key = messageId?.replace(/^<|>$/g, "").trim().toLowerCase() || `oversized:${origin.mailbox ?? "smtp"}:${origin.uid ?? Date.now()}`;
    return this.record(cut(key, 255), origin, null, InboundMailStatus.REJECTED, `The message (${size} bytes) is larger than INTAKE_MAX_BYTES (${this.settings.maxBytes} bytes).`, null);
  }

  /** Whether a message with this key was handled already (a cheap look before fetching a whole message). */
  async handled(messageKey: string): Promise<boolean> {
    return (await this.orm.em.fork().count(InboundMail, { messageKey })) > 0;
  }

  /** Processes one raw message; never throws for the message's own faults (those are recorded FAILED). */
  async receive(raw: Buffer, origin: MailOrigin): Promise<IntakeOutcome> {
    let parsed: ParsedMail | null = null;
    let key = hashKey(raw);
    try {
      if (raw.length > this.settings.maxBytes) throw new Refusal(InboundMailStatus.REJECTED, `The message is larger than INTAKE_MAX_BYTES (${this.settings.maxBytes} bytes).`);
      parsed = await parseMail(raw);
      key = messageKeyOf(parsed, raw);
      if (await this.handled(key)) return { status: InboundMailStatus.PROCESSED, id: null, duplicate: true };
      return await this.process(parsed, key, raw, origin, null);
    } catch (error) {
      if (isDuplicate(error)) return { status: InboundMailStatus.PROCESSED, id: null, duplicate: true };
      if (error instanceof Refusal) return this.record(key, origin, parsed, error.status, error.message, error.status === InboundMailStatus.HELD ? raw : null);
      this.logger?.warn({ err: error, messageKey: key }, "an inbound email could not be processed");
      return this.record(key, origin, parsed, InboundMailStatus.FAILED, reasonOf(error), raw);
    }
  }

  /** Processes a failed message again from its kept raw copy (admins: `retryInboundMail`). */
  async retry(scope: RequestScope, id: string): Promise<InboundMail> {
    const row = await scope.em.fork().findOne(InboundMail, { id });
    if (!row) throw new NotFoundError("Inbound mail", id);
    if (row.status !== InboundMailStatus.FAILED || !row.rawKey) throw new AppError("CONFLICT", "Only a failed message whose copy was kept can be retried.", { logLevel: "info" });
    const body = await this.attachments.storage.get(row.rawKey);
    if (!body) throw new AppError("CONFLICT", "The kept copy of this message is gone: it cannot be retried.", { logLevel: "info" });
    const raw = await toBuffer(body);
    try {
      const parsed = await parseMail(raw);
      await this.process(parsed, row.messageKey, raw, { mailbox: row.mailbox, uid: row.uid }, row);
    } catch (error) {
      // Another admin's retry won: the row is no longer FAILED.
      if (error instanceof ConflictOnRetry) throw new AppError("CONFLICT", "This message was retried at the same time by someone else.", { logLevel: "info" });
      const refused = error instanceof Refusal;
      await scope.em
        .fork()
        .nativeUpdate(InboundMail, { id, status: InboundMailStatus.FAILED }, { status: refused ? error.status : InboundMailStatus.FAILED, reason: reasonOf(error), attempts: row.attempts + 1 });
    }
    const after = await scope.em.fork().findOneOrFail(InboundMail, { id });
    await this.events.transaction(scope, (tx) =>
      this.events.raise(tx, {
        type: "inbound_mail.retried",
        target: { type: "InboundMail", id },
        refs: { ticketId: after.ticketId },
        visibility: "ADMIN",
        payload: { messageKey: after.messageKey, status: after.status, ticketId: after.ticketId },
      }),
    );
    if (after.status !== InboundMailStatus.FAILED && after.status !== InboundMailStatus.HELD && after.rawKey) {
      await this.attachments.storage.delete(after.rawKey).catch(() => {});
      await scope.em.fork().nativeUpdate(InboundMail, { id }, { rawKey: null });
      after.rawKey = null;
    }
    return after;
  }

  /**
   * The message's effect, in one transaction with its inbound_mails row (inserted first: the
   * claim). `retrying`: the FAILED row of an earlier attempt, claimed by a conditional update.
   */
  private async process(mail: ParsedMail, key: string, raw: Buffer, origin: MailOrigin, retrying: InboundMail | null): Promise<IntakeOutcome> {
    const loop = loopReason(mail, this.host);
    if (loop) throw new Refusal(InboundMailStatus.IGNORED, `Not processed: ${loop}.`);
    const from = mail.from?.value[0];
    const sender = from?.address?.trim().toLowerCase();
    if (!sender || !/^[^\s@]+@[^\s@]+$/.test(sender)) throw new IntakeFailure("The message has no usable sender address (From).");
    const em = this.orm.em.fork();
    const user = await em.findOne(User, { email: sender }, READ_ONLY);
    if (user?.deactivatedAt) throw new IntakeFailure(`The sender's account (${sender}) is deactivated; reactivate it and retry, or leave the message.`);
    const ticket = await this.ticketFor(mail, em);
    const plan = this.plan(ticket, user);

    const authorId = user?.id ?? uuidv7();
    const { ids: attachmentIds, notes } = await this.storeAttachments(mail, raw, authorId);
    const body = textOf(mail, plan.kind === "comment");
    const scope = systemScope(this.orm.em.fork(), this.clock(), `intake:${key.slice(0, 60)}`);
    try {
      return await this.events.transaction(scope, async (tx) => {
        const row = await this.claim(tx, key, origin, mail, sender, retrying);
        const author = user ?? (await this.createCustomer(tx, authorId, sender, from?.name));
        const as: RequestScope = { ...tx, viewer: viewerOf(author) };
        const text = [body || "(This email had no text.)", ...notes].join("\n\n");
        if (plan.kind === "comment") {
          const comment = await this.comments.add(as, { subjectId: plan.ticket.id, body: cut(text, COMMENT_MAX), internal: false, attachmentIds });
          await tx.em.nativeUpdate(InboundMail, { id: row.id }, { ticketId: plan.ticket.id, commentId: comment.id });
          return { status: InboundMailStatus.PROCESSED, id: row.id, duplicate: false };
        }
        const followUp = plan.kind === "follow-up" ? `Follow-up to the closed ticket #${plan.ticket.number}.\n\n` : "";
        const created = await this.tickets.create(as, {
          subject: cut(subjectOf(mail), SUBJECT_MAX),
          description: cut(followUp + text, DESCRIPTION_MAX),
          attachmentIds,
        });
        await tx.em.nativeUpdate(InboundMail, { id: row.id }, { ticketId: created.id });
        return { status: InboundMailStatus.PROCESSED, id: row.id, duplicate: false };
      });
    } catch (error) {
      // Nothing was attached: the uploads go now (the sweep would take them in a day anyway).
      for (const id of attachmentIds) await this.dropUpload(id);
      throw error;
    }
  }

  /** What the message becomes, or a Refusal (rejected or held), by the settings. */
  private plan(ticket: Ticket | null, user: User | null): { kind: "new" } | { kind: "comment" | "follow-up"; ticket: Ticket } {
    if (ticket) {
      const onTicket = user && (user.id === ticket.requester.id || user.id === ticket.assignee?.id || isStaff(user.role));
      if (!onTicket) {
        const who = user ? "someone who is not on the ticket" : "an unknown sender";
        if (this.settings.otherReplies === "hold") throw new Refusal(InboundMailStatus.HELD, `A reply to #${ticket.number} from ${who}: held for an agent.`);
        throw new Refusal(InboundMailStatus.REJECTED, `A reply to #${ticket.number} from ${who} (INTAKE_OTHER_REPLIES=reject).`);
      }
      if (!isFinal(ticket.status)) return { kind: "comment", ticket };
      if (this.settings.closedReplies === "reject") throw new Refusal(InboundMailStatus.REJECTED, `A reply to the closed ticket #${ticket.number} (INTAKE_CLOSED_REPLIES=reject).`);
      if (isStaff(user.role)) throw new Refusal(InboundMailStatus.REJECTED, `A staff reply to the closed ticket #${ticket.number}: staff do not open tickets by email.`);
      return { kind: "follow-up", ticket };
    }
    // Agents and admins work in the desk; a ticket "by" them from their mailbox would have no customer.
    if (user && isStaff(user.role)) throw new Refusal(InboundMailStatus.REJECTED, "A new message from an agent or admin: staff do not open tickets by email.");
    if (!user && this.settings.unknownSenders === "reject") throw new Refusal(InboundMailStatus.REJECTED, "A new message from an unknown sender (INTAKE_UNKNOWN_SENDERS=reject).");
    return { kind: "new" };
  }

  /**
   * The ticket a reply belongs to: a Message-ID of one of our ticket emails (or the ticket's
   * thread id) in In-Reply-To or References, else the "[#1042]" reference in the subject.
   */
  private async ticketFor(mail: ParsedMail, em: Orm["em"]): Promise<Ticket | null> {
    const references = [mail.inReplyTo ?? [], mail.references ?? []].flat().flatMap((r) => r.split(/\s+/)).filter(Boolean).slice(0, 100);
    const ids = references.map((r) => (r.startsWith("<") ? r : `<${r}>`).toLowerCase());
    let ticketId: string | null = null;
    if (ids.length) {
      const sent = await em.findOne(OutboxMessage, { messageId: { $in: ids }, ticketId: { $ne: null } }, { ...READ_ONLY, fields: ["ticketId"] });
      ticketId = sent?.ticketId ?? null;
      const threadPattern = /^<ticket-([0-9a-f-]{36})@(.+)>$/;
      for (const id of ids) {
        const match = threadPattern.exec(id);
        if (!ticketId && match && match[2] === this.host) ticketId = match[1]!;
      }
    }
    if (ticketId) {
      const ticket = await em.findOne(Ticket, { id: ticketId });
      if (ticket) return ticket;
    }
    const reference = /\[#(\d{1,9})\]/.exec(mail.subject ?? "");
    return reference ? em.findOne(Ticket, { number: Number(reference[1]) }) : null;
  }

  /** The inbound_mails row, inserted first: a unique violation rolls everything back (handled already). */
  private async claim(tx: RequestScope, key: string, origin: MailOrigin, mail: ParsedMail, sender: string, retrying: InboundMail | null): Promise<{ id: string }> {
    if (retrying) {
      const won = await tx.em.nativeUpdate(InboundMail, { id: retrying.id, status: InboundMailStatus.FAILED }, { status: InboundMailStatus.PROCESSED, reason: null, attempts: retrying.attempts + 1 });
      if (won !== 1) throw new ConflictOnRetry();
      return { id: retrying.id };
    }
    const id = uuidv7();
    const now = new Date();
    await tx.em.insert(InboundMail, { id, createdAt: now, updatedAt: now, messageKey: key, mailbox: origin.mailbox, uid: origin.uid, sender, subject: cut(mail.subject ?? "", 300) || null, status: InboundMailStatus.PROCESSED, attempts: 1 });
    return { id };
  }

  /** A customer account for an unknown sender: unverified, with a password nobody knows (a sign-in link or a reset sets one). */
  private async createCustomer(tx: RequestScope, id: string, email: string, name: string | undefined): Promise<User> {
    const passwordHash = await this.hasher.hash(randomBytes(32).toString("base64url"));
    const displayName = cut((name ?? "").replace(/[\r\n\t]+/g, " ").trim() || email.split("@")[0]!, 100);
    const user = tx.em.create(User, { id, email, displayName, passwordHash, role: Role.CUSTOMER, emailVerified: false });
    await tx.em.flush();
    await this.events.raise(tx, { type: "user.created", actorId: null, target: { type: "User", id }, refs: { userId: id }, visibility: "ADMIN", payload: { reason: "email intake", role: Role.CUSTOMER } });
    return user;
  }

  /**
   * The original message (as `message.eml`) and the mail's attachments and inline images, stored
   * as uploads of the author's, attached by the ticket or comment that names them. A file the
   * attachment policy refuses is left out, with a note in the text.
   */
  private async storeAttachments(mail: ParsedMail, raw: Buffer, authorId: string): Promise<{ ids: string[]; notes: string[] }> {
    const scope = systemScope(this.orm.em.fork(), this.clock(), "intake");
    const files = [{ fileName: "message.eml", content: raw, declaredType: "message/rfc822" }, ...mail.attachments.map((a) => ({ fileName: a.filename ?? (a.contentId ? "inline-image" : "attachment"), content: a.content, declaredType: a.contentType }))];
    const ids: string[] = [];
    const notes: string[] = [];
    try {
      for (const file of files.slice(0, 20)) {
        try {
          const stored = await this.attachments.store(scope, Readable.from([file.content]), { fileName: file.fileName, declaredType: file.declaredType, uploaderId: authorId });
          ids.push(stored.id);
        } catch (error) {
          if (!(error instanceof AppError) || !["PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"].includes(error.code)) throw error;
          notes.push(`_(The attachment "${file.fileName}" was not kept: ${error.message})_`);
        }
      }
      if (files.length > 20) notes.push(`_(${files.length - 20} more attachments were not kept: at most 20 per email.)_`);
    } catch (error) {
      for (const id of ids) await this.dropUpload(id);
      throw error;
    }
    return { ids, notes };
  }

  private async dropUpload(id: string): Promise<void> {
    const em = this.orm.em.fork();
    const upload = await em.findOne(Attachment, { id, parentId: null });
    if (!upload) return;
    await em.nativeDelete(Attachment, { id, parentId: null });
    await this.attachments.storage.delete(upload.storageKey).catch(() => {});
  }

  /** Records a message that became no ticket or comment; `raw` is kept for a retry (FAILED) or an agent (HELD). */
  private async record(key: string, origin: MailOrigin, mail: ParsedMail | null, status: InboundMailStatus, reason: string, raw: Buffer | null): Promise<IntakeOutcome> {
    const id = uuidv7();
    const rawKey = raw ? `${RAW_PREFIX}${id}.eml` : null;
    if (rawKey && raw) await this.attachments.storage.put(rawKey, Readable.from([raw]), "message/rfc822");
    const sender = mail?.from?.value[0]?.address?.toLowerCase().slice(0, 254) ?? null;
    try {
      const now = new Date();
      await this.orm.em.fork().insert(InboundMail, { id, createdAt: now, updatedAt: now, messageKey: key, mailbox: origin.mailbox, uid: origin.uid, sender, subject: mail?.subject ? cut(mail.subject, 300) : null, status, reason: cut(reason, 1000), rawKey, attempts: 1 });
    } catch (error) {
      if (rawKey) await this.attachments.storage.delete(rawKey).catch(() => {});
      if (isDuplicate(error)) return { status, id: null, duplicate: true };
      throw error;
    }
    this.logger?.info({ inboundMailId: id, status, reason }, "inbound email not turned into a ticket or comment");
    return { status, id, duplicate: false };
  }
}

class ConflictOnRetry extends Error {}

const isDuplicate = (error: unknown) => error instanceof UniqueConstraintViolationException;

const reasonOf = (error: unknown) => cut(error instanceof Error ? error.message : String(error), 1000);

const hashKey = (raw: Buffer) => `sha256:${createHash("sha256").update(raw).digest("hex")}`;

/** The Message-ID (lower-cased, without brackets), or a hash of the whole message when it has none. */
export function messageKeyOf(mail: ParsedMail, raw: Buffer): string {
  const id = mail.messageId?.replace(/^<|>$/g, "").trim().toLowerCase();
  return id && id.length <= 255 ? id : hashKey(raw);
}

function viewerOf(user: User): Viewer {
  return { userId: user.id, role: user.role, sessionId: "email" };
}

/** Cut at `max` characters (code points), for the columns and limits. */
function cut(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}

/** The subject without "Re:"/"Fwd:" prefixes and our "[#1042]" reference. */
function subjectOf(mail: ParsedMail): string {
  let subject = (mail.subject ?? "").replace(/[\r\n\t]+/g, " ").trim();
  for (let i = 0; i < 5; i++) subject = subject.replace(/^\s*((re|fw|fwd|aw|wg|sv|tr)\s*:|\[#\d+\])\s*/i, "");
  return subject.trim() || "(no subject)";
}

/** The text: the plain part, or the HTML part as safe Markdown; a reply without its quoted history and signature. */
function textOf(mail: ParsedMail, reply: boolean): string {
  const text = mail.text?.trim() ? mail.text : typeof mail.html === "string" && mail.html ? htmlToMarkdown(mail.html) : "";
  // A new message is kept whole (a forwarded conversation is the point of it); a reply loses what it quotes.
  return reply ? stripReply(text, REPLY_MARKER) : text.trim();
}

/** mailparser (and its charset tables) is loaded with the first message, not by every server at startup. */
async function parseMail(raw: Buffer): Promise<ParsedMail> {
  const { simpleParser } = await import("mailparser");
  return simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
}

async function toBuffer(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
