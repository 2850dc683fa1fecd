import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { SMTPServer } from "smtp-server";
import type { IntakeService } from "./intake.service.js";

export interface SmtpListenerSettings {
  port: number;
  host: string;
}

/**
 * The inbound SMTP listener for relays that forward mail (INTAKE_SMTP_PORT): it accepts any
 * recipient, holds each message to INTAKE_MAX_BYTES, and answers 250 only once the intake
 * committed its outcome, so a relay re-sends what we did not take. No AUTH and no STARTTLS:
 * it listens on loopback (INTAKE_SMTP_HOST) for a relay on the same host or network.
 */
export class SmtpListener {
  private server: SMTPServer | null = null;

  constructor(
    private readonly settings: SmtpListenerSettings,
    private readonly intake: IntakeService,
  ) {}

  /** The port it listens on (the configured one, or the one the system chose for port 0). */
  port: number | null = null;

  async start(logger?: Pick<Logger, "info" | "warn" | "error">): Promise<void> {
    const intake = this.intake;
    // Loaded here, not at startup: only a server with INTAKE_SMTP_PORT needs it.
    const { SMTPServer } = await import("smtp-server");
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["AUTH", "STARTTLS"],
      size: intake.maxBytes,
      logger: false,
      banner: "DeskQL email intake",
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
            return callback(Object.assign(new Error(`Message exceeds the limit of ${intake.maxBytes} bytes`), { responseCode: 552 }));
          }
          intake.receive(Buffer.concat(chunks), { mailbox: "smtp", uid: null }).then(
            () => callback(),
            (error: unknown) => {
              logger?.error({ err: error }, "email intake could not take a message over SMTP");
              callback(Object.assign(new Error("Temporary failure, try again later"), { responseCode: 451 }));
            },
          );
        });
      },
    });
    server.on("error", (error) => logger?.warn({ err: error }, "email intake SMTP listener error"));
    await new Promise<void>((resolve, reject) => {
      server.server.once("error", reject);
      server.listen(this.settings.port, this.settings.host, () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    logger?.info({ host: this.settings.host, port: this.port }, "email intake listening for SMTP");
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
