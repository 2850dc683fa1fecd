import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, shownTicketStatus, signIn } from "./support/session.steps.js";
import { openTicket } from "./support/tickets.seed.js";

const app = useE2EApp();

/** Makes the page believe its tab went to the background (or came back), as switching tabs does. */
async function setTabVisibility(page: Page, state: "hidden" | "visible"): Promise<void> {
  await page.evaluate((value) => {
    const { document } = globalThis as unknown as { document: { dispatchEvent(e: unknown): boolean } };
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => value });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => value === "hidden" });
    document.dispatchEvent(new (globalThis as unknown as { Event: new (type: string) => unknown }).Event("visibilitychange"));
  }, state);
}

describe("editing a ticket that someone else changes", () => {
  it("agent A, typing a reply, is told that agent B changed the status, keeps the text, and sees unread activity in the hidden tab's title", async () => {
    const [customer, agentA, agentB] = await Promise.all([
      app.t.createUser("CUSTOMER", "Casey Customer"),
      app.t.createUser("AGENT", "Avery Agent"),
      app.t.createUser("AGENT", "Blake Agent"),
    ]);
    const ticket = await openTicket(app.t, customer.token, "Badge reader rejects my card");
    const ticketTitle = `${ticket.reference} · Badge reader rejects my card · DeskQL`;

    const pageA = await app.newPage();
    await signIn(pageA, agentA.email, agentA.password);
    await pageA.goto(`/#/tickets/${ticket.id}`);
    await heading(pageA, "Badge reader rejects my card").waitFor();
    await expect.poll(() => app.t.server.services.subscriptionHub.subscriberCount, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await pageA.getByLabel("Your reply").fill("Have you tried the card at the main entrance?");

    const pageB = await app.newPage();
    await signIn(pageB, agentB.email, agentB.password);
    await pageB.goto(`/#/tickets/${ticket.id}`);
    await heading(pageB, "Badge reader rejects my card").waitFor();
    await pageB.getByRole("button", { name: "Start work" }).click();
    await expect.poll(() => shownTicketStatus(pageB)).toBe("In progress");

    // A is told before saving; the page still shows what A started from, and A's text stays.
    const notice = pageA.getByRole("status").filter({ hasText: "changed this ticket while you were editing" });
    await notice.getByText("Blake Agent changed this ticket while you were editing: status Open → In progress.").waitFor({ timeout: 15_000 });
    expect(await notice.getAttribute("aria-live")).toBe("polite");
    expect(await shownTicketStatus(pageA)).toBe("Open");
    expect(await axeViolations(pageA)).toEqual([]);

    await notice.getByRole("button", { name: "Show the latest version" }).click();
    await expect.poll(() => shownTicketStatus(pageA)).toBe("In progress");
    expect(await pageA.getByLabel("Your reply").inputValue()).toBe("Have you tried the card at the main entrance?");
    expect(await pageA.getByText("changed this ticket while you were editing").count()).toBe(0);

    // A's tab goes to the background: B's next change is counted in its title, which keeps the ticket's name.
    expect(await pageA.title()).toBe(ticketTitle);
    await setTabVisibility(pageA, "hidden");
    await pageB.getByLabel("Priority", { exact: true }).selectOption("HIGH");
    await expect.poll(() => pageA.title(), { timeout: 15_000 }).toBe(`(1) ${ticketTitle}`);
    await setTabVisibility(pageA, "visible");
    expect(await pageA.title()).toBe(ticketTitle);
    app.keep(pageA);
  });
});
