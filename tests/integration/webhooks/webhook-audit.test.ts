import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainEventRecord } from "../../../src/db/domain-event.entity.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createWebhook } from "./receiver.js";

let t: TestServer;
let admin: string;

beforeAll(async () => {
  // No delivery is attempted here: the address only has to pass the guard.
  t = await startTestServer({ env: { WEBHOOK_ALLOW_HTTP: "true", WEBHOOK_ALLOWED_NETWORKS: "127.0.0.1/32" } });
  admin = await t.adminToken();
});
afterAll(() => t?.close());

async function trail(webhookId: string) {
  const res = await t.gql(`{ auditEvents(first: 20, filter: { targetId: "${webhookId}" }) { nodes { action actor { email } targetType details } } }`, {}, admin);
  expect(res.errors).toBeUndefined();
  return res.data!.auditEvents.nodes as { action: string; actor: { email: string } | null; targetType: string; details: Record<string, any> }[];
}

const events = (webhookId: string) =>
  t.server.orm.em
    .fork()
    .find(DomainEventRecord, { targetId: webhookId }, { orderBy: { position: "asc" } })
    .then((rows) => rows.map((r) => ({ type: r.type, visibility: r.visibility })));

describe("webhook administration in the audit trail", () => {
  it("records creation, changes, secret rotation and deletion once each, by the admin, never with the secret", async () => {
    const { id, secret } = await createWebhook(t, admin, { url: "http://127.0.0.1:9/hook", events: ["ticket.*"], description: "CRM" });
    const updated = await t.gql(`mutation($id: ID!, $i: UpdateWebhookInput!) { updateWebhook(id: $id, input: $i) { id } }`, { id, i: { enabled: false, description: "CRM sync" } }, admin);
    expect(updated.errors).toBeUndefined();
    // The same values again change nothing and record nothing.
    await t.gql(`mutation($id: ID!, $i: UpdateWebhookInput!) { updateWebhook(id: $id, input: $i) { id } }`, { id, i: { enabled: false } }, admin);
    const rotated = await t.gql(`mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`, { id }, admin);
    const deleted = await t.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id }, admin);
    expect(deleted.errors).toBeUndefined();

    expect(await events(id)).toEqual([
      { type: "webhook.created", visibility: "ADMIN" },
      { type: "webhook.updated", visibility: "ADMIN" },
      { type: "webhook.secret_rotated", visibility: "ADMIN" },
      { type: "webhook.deleted", visibility: "ADMIN" },
    ]);
    const entries = await trail(id);
    expect(entries.map((e) => e.action).sort()).toEqual(["WEBHOOK_CREATED", "WEBHOOK_DELETED", "WEBHOOK_SECRET_ROTATED", "WEBHOOK_UPDATED"]);
    for (const entry of entries) expect(entry).toMatchObject({ actor: { email: "admin@deskql.test" }, targetType: "Webhook" });
    expect(entries.find((e) => e.action === "WEBHOOK_UPDATED")!.details).toEqual({
      changes: { enabled: { from: true, to: false }, description: { from: "CRM", to: "CRM sync" } },
    });
    const everything = JSON.stringify(entries);
    expect(everything).not.toContain(secret.slice(6));
    expect(everything).not.toContain(String(rotated.data!.rotateWebhookSecret.secret).slice(6));
  });
});
