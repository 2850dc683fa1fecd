import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, signIn } from "./support/session.steps.js";
import { openTicket } from "./support/tickets.seed.js";

const app = useE2EApp();

// Each payload would set window.__pwned (and most open a dialog) if it ran.
const HOSTILE_COMMENT = [
  "Here is my log <script>window.__pwned = 'script'; alert('script')</script>",
  `<img src=x onerror="window.__pwned = 'img'; alert('img')">`,
  "[click me](javascript:window.__pwned='link';alert('link'))",
  `<a href="javascript:window.__pwned='raw';alert('raw')">raw link</a>`,
  `<svg onload="window.__pwned = 'svg'"></svg><iframe src="javascript:alert('frame')"></iframe>`,
  `<p onmouseover="window.__pwned='hover'">hover me</p>`,
].join("\n\n");

describe("stored markup in comments", () => {
  it("a stored script in a comment or a description does not run for its author or for the agent who reads it", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Mallory Customer");
    const agent = await app.t.createUser("AGENT", "Alex Agent");
    const ticket = await openTicket(app.t, customer.token, "Attachment renders oddly", HOSTILE_COMMENT);

    const author = await app.newPage();
    await signIn(author, customer.email, customer.password);
    await author.goto(`/#/tickets/${ticket.id}`);
    await heading(author, "Attachment renders oddly").waitFor();
    await author.getByLabel("Your reply").fill(HOSTILE_COMMENT);
    // The preview renders through the same sanitiser as the conversation.
    await author.getByRole("button", { name: "Preview" }).click();
    const preview = author.locator("[aria-live]").filter({ hasText: "Here is my log" });
    await preview.waitFor();
    await expectInert(author, preview);
    await author.getByRole("button", { name: "Write" }).click();
    await author.getByRole("button", { name: "Send reply" }).click();
    const authored = author.getByRole("article", { name: "Reply" }).filter({ hasText: "Here is my log" });
    await authored.waitFor();
    await expectInert(author, authored);

    // Stored, then shown to someone else: the agent reading the ticket.
    const reader = await app.newPage();
    await signIn(reader, agent.email, agent.password);
    await reader.goto(`/#/tickets/${ticket.id}`);
    const stored = reader.getByRole("article", { name: "Reply" }).filter({ hasText: "Here is my log" });
    await stored.waitFor();
    await expectInert(reader, stored);
    await expectInert(reader, reader.getByRole("region", { name: "Description" }));
    await reader.reload();
    await stored.waitFor();
    await expectInert(reader, stored);
  });
});

/** The comment shows its text, but nothing in it can run: no active elements, no javascript: link, nothing ran. */
async function expectInert(page: Page, comment: Locator): Promise<void> {
  const body = comment.locator(".markdown");
  await expect(body.locator("script, img, svg, iframe, object, embed, style, form").count()).resolves.toBe(0);
  await expect(body.locator("[onerror], [onload], [onmouseover], [onclick], [style]").count()).resolves.toBe(0);
  await body.getByText("hover me").waitFor();

  const link = body.locator("a", { hasText: "click me" });
  await expect(link.count()).resolves.toBe(1);
  const href = await link.getAttribute("href");
  expect(href === null || !/^\s*javascript:/i.test(href)).toBe(true);
  for (const a of await body.locator("a[href]").all()) expect(await a.getAttribute("href")).not.toMatch(/^\s*javascript:/i);

  await link.click();
  await body.getByText("hover me").hover();
  expect(await page.evaluate(() => "__pwned" in globalThis)).toBe(false);
  expect(app.log(page).dialogs).toEqual([]);
}
