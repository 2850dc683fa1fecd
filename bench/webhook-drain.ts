import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { wallNow } from "./live-sockets.js";

/**
 * A webhook endpoint on loopback for the events benchmark: answers 200 at once and checks every
 * request's signature with the `standardwebhooks` package (an independent implementation).
 */
export class BenchReceiver {
  readonly ids = new Set<string>();
  received = 0;
  badSignatures = 0;
  firstAt = NaN;
  lastAt = NaN;
  private verifier: StandardWebhook | undefined;
  private server!: Server;

  static async start(): Promise<BenchReceiver> {
    const receiver = new BenchReceiver();
    receiver.server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        const at = wallNow();
        receiver.received++;
        if (!Number.isFinite(receiver.firstAt)) receiver.firstAt = at;
        receiver.lastAt = at;
        try {
          const headers = { "webhook-id": String(req.headers["webhook-id"]), "webhook-timestamp": String(req.headers["webhook-timestamp"]), "webhook-signature": String(req.headers["webhook-signature"]) };
          receiver.verifier?.verify(body, headers);
          receiver.ids.add(headers["webhook-id"]);
        } catch {
          receiver.badSignatures++;
        }
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      });
    });
    receiver.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", resolve));
    return receiver;
  }

  /** The secret createWebhook returned (deliveries before it is known count as bad). */
  trust(secret: string): void {
    this.verifier = new StandardWebhook(secret);
  }

  url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/bench-hook`;
  }

  reset(): void {
    this.ids.clear();
    this.received = 0;
    this.badSignatures = 0;
    this.firstAt = NaN;
    this.lastAt = NaN;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
