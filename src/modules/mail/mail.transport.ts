import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import nodemailer, { type Transporter } from "nodemailer";
import type { AppConfig } from "../../config.js";
import type { OutboxMessage } from "./outbox-message.entity.js";
import { ticketThreadId } from "./outbox.js";

/** Where the worker hands a message. Throwing means "try again later". */
export interface MailTransport {
  readonly name: "outbox" | "smtp";
  /** Whether delivered rows keep their bodies (the outbox transport's rows are the mailbox). */
  readonly keepsBodies: boolean;
  send(message: OutboxMessage): Promise<void>;
  close(): void;
}

/** Development and tests: "delivering" only marks the row delivered; the row is the mailbox. */
export class OutboxOnlyTransport implements MailTransport {
  readonly name = "outbox";
  readonly keepsBodies = true;
  async send(): Promise<void> {}
  close(): void {}
}

/** Any SMTP relay, configured by URL (smtp://user:pass@host:587, smtps://host:465, ...). */
export class SmtpTransport implements MailTransport {
  readonly name = "smtp";
  readonly keepsBodies = false;
  private readonly transporter: Transporter;

  constructor(
    url: string,
    private readonly from: string,
    private readonly messageIdDomain: string,
  ) {
    // Settings in the URL's query win; these timeouts stay well inside the worker's claim lease.
    this.transporter = nodemailer.createTransport({ url, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 });
  }

  /** A span per message when tracing is on (server/observability); a no-op without an SDK. */
  send(message: OutboxMessage): Promise<void> {
    return tracer.startActiveSpan("mail send", { kind: SpanKind.CLIENT, attributes: { "messaging.system": "smtp", "deskql.mail.kind": message.kind } }, async (span) => {
      try {
        await this.sendNow(message);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message.slice(0, 200) : "failed" });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  private async sendNow(message: OutboxMessage): Promise<void> {
    await this.transporter.sendMail({
      from: this.from,
      to: message.recipient,
      subject: message.subject,
      text: message.text ?? "",
      html: message.html ?? undefined,
      // Stable per row: a message re-sent after a crash mid-delivery carries the same id, so receivers can de-duplicate.
      messageId: message.messageId ?? `<${message.id}@${this.messageIdDomain}>`,
      // A ticket email continues the ticket's thread (email intake matches replies by it).
      ...(message.ticketId ? { inReplyTo: ticketThreadId(message.ticketId, this.messageIdDomain), references: ticketThreadId(message.ticketId, this.messageIdDomain) } : {}),
      headers: { "Auto-Submitted": "auto-generated" },
    });
  }

  close(): void {
    this.transporter.close();
  }
}

const tracer = trace.getTracer("deskql");

export function createMailTransport(config: AppConfig): MailTransport {
  if (config.mail.transport === "smtp") return new SmtpTransport(config.mail.smtpUrl!, config.mail.from, new URL(config.publicUrl).hostname);
  return new OutboxOnlyTransport();
}
