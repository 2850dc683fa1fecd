import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemResolver } from "../../../src/modules/webhooks/webhook.address.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createWebhook, deliveriesOf, Receiver, until } from "./receiver.js";

let t: TestServer;
let admin: string;
let receiver: Receiver;

beforeAll(async () => {
  // https only and public addresses only, except the loopback receiver's address on the allow-list.
  t = await startTestServer({ env: { WEBHOOK_ALLOWED_NETWORKS: "127.0.0.1/32", WEBHOOK_TIMEOUT_MS: "1000" } });
  admin = await t.adminToken();
  receiver = await Receiver.start();
});
afterAll(async () => {
  t.server.services.webhookAddresses.resolve = systemResolver;
  await receiver?.close();
  await t?.close();
});

/** Answers the server's DNS questions for *.example.test as the test says; others as the system does. */
function dns(answers: Record<string, string>) {
  t.server.services.webhookAddresses.resolve = async (host) => (answers[host] ? [{ address: answers[host]!, family: answers[host]!.includes(":") ? 6 : 4 }] : systemResolver(host));
}

const createError = async (url: string) =>
  (await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret } }`, { i: { url, events: ["*"] } }, admin)).errors?.[0];

describe("server-side request forgery", () => {
  it("refuses private, loopback, link-local and non-https URLs when a webhook is created or changed", async () => {
    dns({ "intranet.example.test": "10.20.30.40", "mapped.example.test": "::ffff:192.168.1.1" });
    for (const url of ["https://10.0.0.1/hook", "https://169.254.169.254/latest/meta-data", "https://[::1]/hook", "https://[fd00::1]/hook", "https://intranet.example.test/hook", "https://mapped.example.test/"]) {
      const error = await createError(url);
      expect(error?.extensions, url).toMatchObject({ code: "BAD_USER_INPUT", field: "input.url" });
      expect(error?.message, url).toMatch(/not a public address/);
    }
    expect((await createError(`http://127.0.0.1:${receiver.port}/hook`))?.message).toMatch(/must use https/);
    expect((await createError("https://user:pw@hooks.example.test/"))?.message).toMatch(/user name or password/);
    expect((await createError("not a url"))?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.url" });

    dns({ "hooks.example.test": "93.184.216.34", "intranet.example.test": "10.20.30.40" });
    const { id } = await createWebhook(t, admin, { url: "https://hooks.example.test/in", events: ["webhook.ping"] });
    const update = await t.gql(`mutation($id: ID!) { updateWebhook(id: $id, input: { url: "https://intranet.example.test/in" }) { id } }`, { id }, admin);
    expect(update.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.url" });
    await t.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id }, admin);
  });

  it("checks the address again at delivery time: a name that now resolves inside is refused (DNS rebinding)", async () => {
    dns({ "rebind.example.test": "93.184.216.34" });
    const { id } = await createWebhook(t, admin, { url: "https://rebind.example.test/hook", events: ["webhook.ping"] });
    dns({ "rebind.example.test": "10.0.0.7" });
    await t.gql(`mutation($id: ID!) { pingWebhook(id: $id) { id } }`, { id }, admin);
    const [delivery] = await until(async () => {
      const list = await deliveriesOf(t, admin, id);
      return list[0]?.attempts === 1 && list;
    }, "the refused attempt");
    expect(delivery).toMatchObject({ status: "PENDING", responseStatus: null, error: expect.stringMatching(/^refused: .*10\.0\.0\.7.*not a public address/) });
    await t.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id }, admin);
  });

  it("connects to the address it checked, not to what the name resolves to later", async () => {
    // The receiver speaks plain http, so a refused https handshake with it proves where the socket went.
    dns({ "pinned.example.test": "127.0.0.1" });
    const { id } = await createWebhook(t, admin, { url: `https://pinned.example.test:${receiver.port}/hook`, events: ["webhook.ping"] });
    await t.gql(`mutation($id: ID!) { pingWebhook(id: $id) { id } }`, { id }, admin);
    const [delivery] = await until(async () => {
      const list = await deliveriesOf(t, admin, id);
      return list[0]?.attempts === 1 && list;
    }, "the attempt");
    // A TLS handshake against the plain-http receiver: the socket reached 127.0.0.1, which only the pinned answer names.
    expect(delivery!.error).toMatch(/SSL|TLS|wrong version|EPROTO|socket hang up/i);
    expect(delivery!.error).not.toMatch(/ENOTFOUND|EAI_AGAIN/);
  });
});
