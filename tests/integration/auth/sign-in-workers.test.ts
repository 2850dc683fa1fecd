import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PASSWORD, startTestServer, type TestServer } from "../../support/server.js";
import { createWebhook, Receiver } from "../webhooks/receiver.js";
import { openTicket } from "../tickets/ticket-helpers.js";

/** Longest setTimeout: the workers' timers never fire during the test, so every pass counted was woken by a commit. */
const NEVER = 2 ** 31 - 1;

let t: TestServer;
let receiver: Receiver;
const passes = { webhooks: 0, automation: 0 };

beforeAll(async () => {
  receiver = await Receiver.start();
  t = await startTestServer({ env: { WEBHOOK_ALLOW_HTTP: "true", WEBHOOK_ALLOWED_NETWORKS: "127.0.0.1/32" } });
  const { webhookWorker, automationWorker } = t.server.services as any;
  webhookWorker.nextDelayMs = async () => NEVER;
  automationWorker.pollIntervalMs = NEVER;
  const scan = webhookWorker.scan.bind(webhookWorker);
  webhookWorker.scan = () => (passes.webhooks++, scan());
  const pass = automationWorker.pass.bind(automationWorker);
  automationWorker.pass = () => (passes.automation++, pass());
  // One pass each now, so that the timers they set use the delays above.
  webhookWorker.wake();
  automationWorker.loop.wake();
  await idle();
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

const idle = () => Promise.all([t.server.services.webhookWorker.idle(), t.server.services.automationWorker.idle()]);

describe("the background workers after a sign-in", () => {
  it("are not woken by sign-ins while no webhook is enabled and no event can start a rule", async () => {
    const customer = await t.createUser();
    await idle();
    passes.webhooks = passes.automation = 0;
    for (let i = 0; i < 3; i++) {
      const res = await t.gql(LOGIN, { i: { email: customer.email, password: DEFAULT_PASSWORD } });
      expect(res.errors).toBeUndefined();
    }
    await idle();
    expect(passes).toEqual({ webhooks: 0, automation: 0 });
  });

  it("are woken by a webhook's creation, by sign-ins once a webhook is enabled, and by a new ticket", async () => {
    const admin = await t.adminToken();
    const customer = await t.createUser();
    await idle();
    passes.webhooks = passes.automation = 0;
    await createWebhook(t, admin, { url: receiver.url(), events: ["ticket.created"] });
    await idle();
    expect(passes.webhooks).toBe(1);

    const res = await t.gql(LOGIN, { i: { email: customer.email, password: DEFAULT_PASSWORD } });
    expect(res.errors).toBeUndefined();
    await idle();
    expect(passes.webhooks).toBe(2);
    expect(passes.automation).toBe(0);

    await openTicket(t, customer.token, { subject: "Printer on fire" });
    await idle();
    expect(passes.automation).toBe(1);
  });
});

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`;
