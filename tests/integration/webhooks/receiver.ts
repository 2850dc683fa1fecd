import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook as StandardWebhook } from "standardwebhooks";
import type { TestServer } from "../../support/server.js";

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers the next request: a status, or "hang" (never answers). */
export type Answer = number | "hang";

/**
 * A webhook endpoint on loopback: records every request and answers from a script (200 once the
 * script is used up). `verify` checks a request with the standardwebhooks package, an
 * independent implementation of the signature scheme.
 */
export class Receiver {
  readonly received: Received[] = [];
  script: Answer[] = [];
  private server!: Server;

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    receiver.server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        receiver.received.push({ headers: req.headers, body });
        const answer = receiver.script.shift() ?? 200;
        if (answer === "hang") return;
        res.writeHead(answer, { "content-type": "text/plain" }).end(answer === 200 ? "thanks" : "x".repeat(5000));
      });
    });
    await new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = "/hook"): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The request's payload if `secret` signed it (throws otherwise), as a receiver would check it. */
  static verify(received: Received, secret: string): { type: string; timestamp: string; data: Record<string, any> } {
    const headers = { "webhook-id": String(received.headers["webhook-id"]), "webhook-timestamp": String(received.headers["webhook-timestamp"]), "webhook-signature": String(received.headers["webhook-signature"]) };
    return new StandardWebhook(secret).verify(received.body, headers) as { type: string; timestamp: string; data: Record<string, any> };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls `probe` until it returns a value (not undefined/false) or the deadline passes. */
export async function until<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const WEBHOOK_FIELDS = "id url events description enabled disabledAt failingSince secretHint previousSecretExpiresAt createdBy { id }";
export const CREATE_WEBHOOK = `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret webhook { ${WEBHOOK_FIELDS} } } }`;
export const DELIVERIES = `query($id: ID!, $filter: WebhookDeliveryFilter) { webhookDeliveries(webhookId: $id, first: 50, filter: $filter) {
  totalCount nodes { id eventId eventType eventPosition status attempts responseStatus durationMs responseBody error deliveredAt body } } }`;

export async function createWebhook(t: TestServer, token: string, input: Record<string, unknown>): Promise<{ id: string; secret: string; webhook: Record<string, any> }> {
  const res = await t.gql(CREATE_WEBHOOK, { i: input }, token);
  if (!res.data?.createWebhook) throw new Error(`createWebhook failed: ${JSON.stringify(res.errors)}`);
  return { id: res.data.createWebhook.webhook.id, secret: res.data.createWebhook.secret, webhook: res.data.createWebhook.webhook };
}

export async function deliveriesOf(t: TestServer, token: string, webhookId: string): Promise<Record<string, any>[]> {
  const res = await t.gql(DELIVERIES, { id: webhookId }, token);
  if (!res.data?.webhookDeliveries) throw new Error(`webhookDeliveries failed: ${JSON.stringify(res.errors)}`);
  return res.data.webhookDeliveries.nodes;
}
