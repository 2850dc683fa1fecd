import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { useE2EApp } from "./support/e2e-app.js";
import { axeViolations } from "./support/axe.js";
import { heading, signIn } from "./support/session.steps.js";
import { addComment, openTicket } from "./support/tickets.seed.js";

const app = useE2EApp();

/** The page's background luminance (0 black .. 1 white), from the root element's computed colour (the tokens set it there). */
async function backgroundLuminance(page: Page): Promise<number> {
  // The callback runs in the page, where the DOM's globals exist (the tests compile without DOM types).
  const rgb = await page.evaluate(() => {
    const page = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string }; document: { documentElement: unknown } };
    return page.getComputedStyle(page.document.documentElement).backgroundColor;
  });
  const [r, g, b, alpha] = (rgb.match(/[\d.]+/g) ?? ["255", "255", "255"]).map(Number);
  expect(alpha ?? 1, `the root has a background of its own (${rgb})`).toBeGreaterThan(0);
  return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
}

describe("dark mode", () => {
  it("follows the system's dark preference on every main screen, with no accessibility violation", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Dana Dark");
    const agent = await app.t.createUser("AGENT", "Nico Night");
    const ticket = await openTicket(app.t, customer.token, "Monitor flickers at night");
    await addComment(app.t, agent.token, ticket.id, "Internal: swap the cable first.", true);
    await addComment(app.t, agent.token, ticket.id, "Could you try another cable?");

    const page = await app.newPage();
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/");
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    expect(await backgroundLuminance(page)).toBeLessThan(0.2);
    expect(await axeViolations(page)).toEqual([]);

    await signIn(page, agent.email, agent.password);
    await heading(page, "Queue").waitFor();
    await page.getByRole("list", { name: "Queue: Unassigned" }).getByRole("link", { name: /Monitor flickers/ }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole("list", { name: "Queue: Unassigned" }).getByRole("link", { name: /Monitor flickers/ }).click();
    await heading(page, "Monitor flickers at night").waitFor();
    await page.getByRole("article", { name: "Internal note" }).waitFor();
    // The SLA panel explains its clock on demand.
    await page.getByText("How the clock counted").click();
    await page.getByText("Every hour of every day counts.").waitFor();
    await page.getByRole("region", { name: "Service level" }).getByText("The desk owes an answer").first().waitFor();
    expect(await backgroundLuminance(page)).toBeLessThan(0.2);
    expect(await axeViolations(page)).toEqual([]);

    // The light theme stays the default.
    await page.emulateMedia({ colorScheme: "light" });
    expect(await backgroundLuminance(page)).toBeGreaterThan(0.9);
  });
});
