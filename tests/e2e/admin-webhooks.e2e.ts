import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Receiver, until } from "../integration/webhooks/receiver.js";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, navigate, signIn } from "./support/session.steps.js";

// The receiver listens on loopback over plain http: allowed here, and only for 127.0.0.1.
const app = useE2EApp({ env: { WEBHOOK_ALLOW_HTTP: "true", WEBHOOK_ALLOWED_NETWORKS: "127.0.0.1/32" } });

let receiver: Receiver;
beforeAll(async () => {
  receiver = await Receiver.start();
});
afterAll(async () => {
  await receiver?.close();
});

describe("webhook administration", () => {
  it("an admin creates a webhook, copies its secret once, pings it, reads the delivery log and redelivers", async () => {
    const admin = await app.t.createUser("ADMIN", "Ada Admin");
    const page = await app.newPage();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await signIn(page, admin.email, admin.password);

    await navigate(page, "Webhooks");
    await heading(page, "Webhooks").waitFor();
    await page.getByText("No webhooks yet").waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole("link", { name: "New webhook" }).click();
    await heading(page, "New webhook").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    // Nothing chosen: the form says what is missing instead of asking the server.
    await page.getByRole("button", { name: "Create webhook" }).click();
    await page.getByText("Enter the URL to send events to.").waitFor();
    await page.getByText("Choose at least one event.").waitFor();

    await page.getByLabel("Endpoint URL").fill(receiver.url());
    await page.getByLabel("Description (optional)").fill("CRM sync");
    await page.getByRole("checkbox", { name: /^All ticket events/ }).check();
    await page.getByRole("checkbox", { name: "Added comment.added", exact: true }).check();
    await page.getByRole("button", { name: "Create webhook" }).click();

    await page.getByRole("heading", { level: 2, name: "Webhook created" }).waitFor();
    await page.getByText("Copy the signing secret now: you won't see it again.").waitFor();
    const secret = await page.getByRole("textbox", { name: "Signing secret", exact: true }).inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
    await page.getByRole("button", { name: "Copy secret" }).click();
    await page.getByText("Copied to the clipboard.").waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(secret);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole("link", { name: "Open the webhook" }).click();
    await heading(page, "Webhook").waitFor();
    // Shown once: the webhook's own page has only the secret's first characters.
    await page.getByText(secret.slice(0, 10) + "…").waitFor();
    expect(await page.locator("main").innerText()).not.toContain(secret);
    await page.getByLabel("Endpoint URL").waitFor();
    expect(await page.getByRole("checkbox", { name: /^All ticket events/ }).isChecked()).toBe(true);
    expect(await page.getByRole("checkbox", { name: "Added comment.added", exact: true }).isChecked()).toBe(true);

    await page.getByRole("button", { name: "Send a ping" }).click();
    const ping = await until(() => receiver.received[0], "the ping to reach the receiver", 20_000);
    expect(Receiver.verify(ping, secret)).toMatchObject({ type: "webhook.ping" });
    const webhookId = String(ping.headers["webhook-id"]);

    // The log reads itself again while the delivery is due, and shows the receiver's answer.
    const log = page.getByRole("list", { name: "Deliveries" });
    const item = log.getByRole("listitem").filter({ hasText: "webhook.ping" });
    const summary = item.locator("summary");
    await summary.getByText("Delivered").waitFor({ timeout: 20_000 });
    await summary.getByText(/^HTTP 200 in \d+ ms$/).waitFor();
    await summary.getByText("1 attempt", { exact: true }).waitFor();
    await summary.click();
    await item.getByText(webhookId, { exact: true }).first().waitFor();
    await item.getByText("thanks", { exact: true }).waitFor();
    await item.getByText('"type": "webhook.ping"', { exact: false }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await item.getByRole("button", { name: /^Redeliver/ }).click();
    const again = await until(() => receiver.received[1], "the redelivery to reach the receiver", 20_000);
    expect(again.headers["webhook-id"]).toBe(webhookId);
    expect(again.body).toBe(ping.body);
    expect(Receiver.verify(again, secret)).toMatchObject({ type: "webhook.ping" });
    await summary.getByText("2 attempts", { exact: true }).waitFor({ timeout: 20_000 });
    await summary.getByText("Delivered").waitFor({ timeout: 20_000 });

    // Edited and disabled here, the list says so, with the last delivery.
    await page.getByLabel("Description (optional)").fill("CRM sync (EU)");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("The webhook was saved.").waitFor();
    await page.getByRole("button", { name: "Disable" }).click();
    await page.getByText("The webhook is disabled.").waitFor();
    await page.getByRole("button", { name: "Enable" }).waitFor();
    await navigate(page, "Webhooks");
    const row = page.getByRole("list", { name: "Webhooks" }).getByRole("listitem").filter({ hasText: receiver.url() });
    await row.getByText("CRM sync (EU)").waitFor();
    await row.getByText("All ticket events, comment.added").waitFor();
    await row.getByText(/^Disabled/).waitFor();
    await row.getByText(/HTTP 200 in \d+ ms/).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // A new secret is shown once; the old one keeps signing for the grace period.
    await row.getByRole("link", { name: receiver.url() }).click();
    await heading(page, "Webhook").waitFor();
    await page.getByRole("button", { name: "Rotate secret" }).click();
    await page.getByRole("heading", { level: 2, name: "New signing secret" }).waitFor();
    const rotated = await page.getByRole("textbox", { name: "Signing secret", exact: true }).inputValue();
    expect(rotated).not.toBe(secret);
    await page.getByText(/Deliveries carry two signatures, one from each secret, until/).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // Deleting asks first, and says what goes with it.
    await page.getByRole("button", { name: "Delete webhook" }).click();
    await heading(page, "Webhooks").waitFor();
    await page.getByText("No webhooks yet").waitFor();
    expect(app.log(page).dialogs.map((d) => d.message)).toEqual([
      expect.stringMatching(/^Disable this webhook\?/),
      expect.stringMatching(/^Make a new signing secret\?/),
      expect.stringMatching(/^Delete the webhook to http:\/\/127\.0\.0\.1:\d+\/hook\? Its delivery log is deleted with it.*cannot be undone\.$/),
    ]);
  });

  it("a webhook the server refuses is explained beside the URL", async () => {
    const admin = await app.t.createUser("ADMIN");
    const page = await app.newPage();
    await signIn(page, admin.email, admin.password);
    await page.goto("/#/admin/webhooks/new");
    await heading(page, "New webhook").waitFor();
    // A private address outside the allowed loopback range.
    await page.getByLabel("Endpoint URL").fill("http://10.1.2.3/hook");
    await page.getByRole("checkbox", { name: /^Every event/ }).check();
    await page.getByRole("button", { name: "Create webhook" }).click();
    const error = page.locator("#webhook-url-error");
    await error.waitFor();
    expect(await error.innerText()).toMatch(/^The webhook URL /);
    expect(await page.getByLabel("Endpoint URL").getAttribute("aria-invalid")).toBe("true");
    expect(await axeViolations(page)).toEqual([]);
  });
});
