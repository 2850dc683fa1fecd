import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DAY, mailTo, MINUTE, useClock, type TestClock } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createWebhook, deliveriesOf, Receiver, until, WEBHOOK_FIELDS } from "./receiver.js";

let t: TestServer;
let clock: TestClock;
let admin: string;
let customer: { id: string; token: string };
let agent: { id: string; token: string };
const receivers: Receiver[] = [];

beforeAll(async () => {
  t = await startTestServer({
    env: {
      WEBHOOK_ALLOW_HTTP: "true",
      WEBHOOK_ALLOWED_NETWORKS: "127.0.0.1/32", // the loopback receivers; other private addresses stay refused
      WEBHOOK_TIMEOUT_MS: "300",
      WEBHOOK_RETRY_BASE_MS: "1000",
      WEBHOOK_RETRY_MAX_MS: "60000",
      WEBHOOK_DISABLE_AFTER_DAYS: "1",
      WEBHOOK_POLL_INTERVAL_MS: "600000", // nothing by timer: commits and the tests wake the worker
      SESSION_IDLE_MINUTES: "43200", // the tests move the business clock by days; sessions stay signed in
    },
  });
  clock = useClock(t);
  admin = await t.adminToken();
  customer = await t.createUser("CUSTOMER");
  agent = await t.createUser("AGENT");
});
afterEach(() => clock.reset());
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await t?.close();
});

async function receiver(): Promise<Receiver> {
  const r = await Receiver.start();
  receivers.push(r);
  return r;
}

async function openTicket(subject = "Printer jams"): Promise<string> {
  const res = await t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`, { i: { subject, description: "On every page." } }, customer.token);
  if (!res.data?.createTicket) throw new Error(JSON.stringify(res.errors));
  return res.data.createTicket.id;
}

/** Moves the business clock past any retry delay and runs the worker. */
async function nextRetry(): Promise<void> {
  clock.advance(2 * MINUTE);
  t.server.services.webhookWorker.wake();
}

describe("delivering events", () => {
  it("signs each delivery as Standard Webhooks does, with the event's id as webhook-id", async () => {
    const r = await receiver();
    const { id, secret, webhook } = await createWebhook(t, admin, { url: r.url(), events: ["ticket.created"], description: "CRM sync" });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhook).toMatchObject({ url: r.url(), events: ["ticket.created"], description: "CRM sync", enabled: true, secretHint: secret.slice(0, 10) });
    expect(JSON.stringify((await t.gql(`{ webhooks { ${WEBHOOK_FIELDS} } }`, {}, admin)).data)).not.toContain(secret.slice(10));

    const ticketId = await openTicket();
    await t.gql(`mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`, { i: { subjectId: ticketId, body: "Not subscribed to comments." } }, customer.token);
    await until(() => r.received.length === 1, "the delivery");
    const payload = Receiver.verify(r.received[0]!, secret);
    expect(payload).toMatchObject({ type: "ticket.created", data: { target: { type: "Ticket", id: ticketId }, ticketId, actorId: customer.id, payload: { subject: "Printer jams" } } });

    const feed = await t.gql(`query($id: ID!) { events(first: 5, filter: { ticketId: $id, types: ["ticket.created"] }) { nodes { id position } } }`, { id: ticketId }, admin);
    const event = feed.data!.events.nodes[0];
    expect(r.received[0]!.headers["webhook-id"]).toBe(event.id);
    expect(payload.data.id).toBe(event.id);

    const [delivery] = await until(async () => {
      const list = await deliveriesOf(t, admin, id);
      return list[0]?.status === "DELIVERED" && list;
    }, "the delivery log");
    expect(delivery).toMatchObject({ eventId: event.id, eventType: "ticket.created", eventPosition: event.position, attempts: 1, responseStatus: 200, responseBody: "thanks", error: null });
    expect(r.received).toHaveLength(1); // the comment was not for this webhook
  });

  it("retries a 500 and a timeout under the same webhook-id until the endpoint answers 200", async () => {
    const r = await receiver();
    r.script = [500, "hang", 200];
    const { id, secret } = await createWebhook(t, admin, { url: r.url(), events: ["comment.*"] });
    const ticketId = await openTicket("Retry me");
    await t.gql(`mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`, { i: { subjectId: ticketId, body: "Looking into it." } }, agent.token);

    const attempt = (n: number) => until(async () => ((await deliveriesOf(t, admin, id))[0]?.attempts === n ? (await deliveriesOf(t, admin, id))[0] : undefined), `attempt ${n}`);
    const first = await attempt(1);
    expect(first).toMatchObject({ status: "PENDING", responseStatus: 500, error: "answered 500" });
    expect(first!.responseBody).toHaveLength(2000); // truncated

    await nextRetry();
    expect(await attempt(2)).toMatchObject({ status: "PENDING", responseStatus: null, error: "no answer within 300 ms" });
    await nextRetry();
    expect(await attempt(3)).toMatchObject({ status: "DELIVERED", responseStatus: 200 });

    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((x) => x.headers["webhook-id"])).size).toBe(1);
    for (const x of r.received) expect(Receiver.verify(x, secret)).toMatchObject({ type: "comment.added", data: { ticketId } });
  });

  it("signs with the old and the new secret during a rotation's grace period", async () => {
    const r = await receiver();
    const { id, secret: oldSecret } = await createWebhook(t, admin, { url: r.url(), events: ["ticket.created"] });
    const rotated = await t.gql(`mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret webhook { previousSecretExpiresAt } } }`, { id }, admin);
    const newSecret = rotated.data!.rotateWebhookSecret.secret as string;
    expect(newSecret).not.toBe(oldSecret);
    expect(new Date(rotated.data!.rotateWebhookSecret.webhook.previousSecretExpiresAt).getTime()).toBeGreaterThan(Date.now() + 23 * 60 * MINUTE);

    const ping = await t.gql(`mutation($id: ID!) { pingWebhook(id: $id) { id eventType status } }`, { id }, admin);
    expect(ping.data!.pingWebhook).toMatchObject({ eventType: "webhook.ping", status: "PENDING" });
    await until(() => r.received.length === 1, "the ping");
    expect(String(r.received[0]!.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(Receiver.verify(r.received[0]!, newSecret)).toMatchObject({ type: "webhook.ping", data: { webhookId: id } });
    expect(Receiver.verify(r.received[0]!, oldSecret)).toMatchObject({ type: "webhook.ping" });

    // After the grace period only the new secret signs.
    clock.advance(25 * 60 * MINUTE);
    await t.gql(`mutation($id: ID!) { pingWebhook(id: $id) { id } }`, { id }, admin);
    await until(() => r.received.length === 2, "the second ping");
    expect(String(r.received[1]!.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(() => Receiver.verify(r.received[1]!, oldSecret)).toThrow();
    expect(Receiver.verify(r.received[1]!, newSecret).type).toBe("webhook.ping");
  });

  it("redelivers a delivery with the same webhook-id and body", async () => {
    const r = await receiver();
    const { id, secret } = await createWebhook(t, admin, { url: r.url(), events: ["webhook.ping"] });
    await t.gql(`mutation($id: ID!) { pingWebhook(id: $id) { id } }`, { id }, admin);
    await until(() => r.received.length === 1, "the ping");
    const [delivery] = await until(async () => {
      const list = await deliveriesOf(t, admin, id);
      return list[0]?.status === "DELIVERED" && list;
    }, "the delivery log");
    await t.gql(`mutation($id: ID!) { redeliverWebhookDelivery(id: $id) { id status } }`, { id: delivery!.id }, admin);
    await until(() => r.received.length === 2, "the redelivery");
    expect(r.received[1]!.headers["webhook-id"]).toBe(r.received[0]!.headers["webhook-id"]);
    expect(r.received[1]!.body).toBe(r.received[0]!.body);
    expect(Receiver.verify(r.received[1]!, secret).type).toBe("webhook.ping");
  });

  it("disables an endpoint failing for WEBHOOK_DISABLE_AFTER_DAYS and emails its creator", async () => {
    const r = await receiver();
    r.script = Array.from({ length: 10 }, () => 503);
    const url = r.url("/always-down");
    const { id } = await createWebhook(t, admin, { url, events: ["webhook.ping"] });
    await t.gql(`mutation($id: ID!) { pingWebhook(id: $id) { id } }`, { id }, admin);
    await until(async () => (await deliveriesOf(t, admin, id))[0]?.attempts === 1, "the first failure");
    const failing = (await t.gql(`{ webhooks { id enabled failingSince } }`, {}, admin)).data!.webhooks.find((w: { id: string }) => w.id === id);
    expect(failing.enabled).toBe(true);
    expect(failing.failingSince).not.toBeNull();

    clock.advance(DAY + MINUTE);
    t.server.services.webhookWorker.wake();
    await until(async () => (await t.gql(`{ webhooks { id enabled } }`, {}, admin)).data!.webhooks.find((w: { id: string; enabled: boolean }) => w.id === id && !w.enabled), "the webhook to be disabled");
    const mail = await until(async () => (await mailTo(t, "admin@deskql.test", "WEBHOOK_DISABLED")).find((m) => m.text?.includes(url)), "the email to its creator");
    expect(mail.subject).toBe("A webhook was disabled after failing");
  });
});

describe("who manages webhooks", () => {
  it("admins, and API tokens of admins with the webhooks scope", async () => {
    const list = `{ webhooks { id } }`;
    expect((await t.gql(list, {}, agent.token)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const token = async (scopes: string[]) =>
      (await t.gql(`mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`, { i: { name: `hooks ${scopes.join()}`, scopes, expiresAt: new Date(Date.now() + 9 * DAY).toISOString() } }, admin)).data!
        .createApiToken.token as string;
    expect((await t.gql(list, {}, await token(["WEBHOOKS"]))).errors).toBeUndefined();
    expect((await t.gql(list, {}, await token(["ADMIN"]))).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const agentToken = await t.gql(`mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`, { i: { name: "x", scopes: ["WEBHOOKS"], expiresAt: new Date(Date.now() + 9 * DAY).toISOString() } }, agent.token);
    expect(agentToken.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("validates the events and the description", async () => {
    const r = await receiver();
    const attempt = async (input: Record<string, unknown>) => (await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret } }`, { i: { url: r.url(), events: ["*"], ...input } }, admin)).errors?.[0]?.extensions;
    expect(await attempt({ events: [] })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.events" });
    expect(await attempt({ events: ["Ticket Created"] })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.events" });
    expect(await attempt({ description: "x".repeat(501) })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.description" });
    expect(await attempt({})).toBeUndefined();
  });
});
