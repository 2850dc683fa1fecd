import { describe, expect, it } from "vitest";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, signIn } from "./support/session.steps.js";
import { openTicket } from "./support/tickets.seed.js";

const app = useE2EApp();

/** The desk's everyday frictions: the shortcut sheet and keys, reply drafts, tickets opened for a customer. */
describe("the desk by keyboard", () => {
  it("shows every shortcut on ?, replies with r and assigns to oneself with Shift+A, never while typing", async () => {
    const [agent, customer] = await Promise.all([app.t.createUser("AGENT", "Kim Keys"), app.t.createUser("CUSTOMER", "Carl Caller")]);
    const ticket = await openTicket(app.t, customer.token, "Keyboard stuck on caps lock");
    const page = await app.newPage();
    await signIn(page, agent.email, agent.password);
    await page.goto(`/#/tickets/${ticket.id}`);
    await heading(page, "Keyboard stuck on caps lock").waitFor();

    await page.keyboard.press("?");
    const sheet = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await sheet.waitFor();
    for (const what of ["Next ticket", "Previous ticket", "Open the selected ticket", "Search", "Reply: go to the reply box", "Assign: go to the assignee picker", "Assign the ticket to me"]) {
      await sheet.getByText(what, { exact: true }).waitFor();
    }
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press("Escape");
    await expect.poll(() => sheet.isVisible()).toBe(false);

    await page.keyboard.press("r");
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe("reply-body");
    // Typed into the reply box, "?" and "a" are text, not shortcuts.
    await page.keyboard.type("a? ");
    expect(await sheet.isVisible()).toBe(false);
    expect(await page.getByLabel("Your reply").inputValue()).toBe("a? ");
    await page.getByLabel("Your reply").fill("");

    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("a");
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe("ticket-assignee");
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("Shift+A");
    await expect.poll(() => page.getByRole("definition").filter({ hasText: "Kim Keys" }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const assigned = await app.t.gql(`query($id: ID!) { ticket(id: $id) { assignee { id } } }`, { id: ticket.id }, agent.token);
    expect(assigned.data?.ticket.assignee?.id).toBe(agent.id);
  });

  it("keeps a customer's half-written reply through navigation and clears it once sent", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Dana Draft");
    const ticket = await openTicket(app.t, customer.token, "Printer prints blank pages");
    const page = await app.newPage();
    await signIn(page, customer.email, customer.password);
    await page.goto(`/#/tickets/${ticket.id}`);
    await heading(page, "Printer prints blank pages").waitFor();
    await page.getByLabel("Your reply").fill("It started after the toner change, and");
    await page.getByText("Draft kept in this tab until you send it.").waitFor();

    await page.getByRole("link", { name: "My tickets", exact: true }).first().click();
    await heading(page, "My tickets").waitFor();
    await page.getByRole("link", { name: /Printer prints blank pages/ }).click();
    await heading(page, "Printer prints blank pages").waitFor();
    expect(await page.getByLabel("Your reply").inputValue()).toBe("It started after the toner change, and");

    // Closing the tab would lose it: the browser asks first.
    const asks = await page.evaluate(() => {
      const event = new Event("beforeunload", { cancelable: true });
      (globalThis as unknown as { dispatchEvent(e: Event): boolean }).dispatchEvent(event);
      return event.defaultPrevented;
    });
    expect(asks).toBe(true);

    await page.getByRole("button", { name: "Send reply" }).click();
    await page.getByText("It started after the toner change, and").last().waitFor();
    await expect.poll(() => page.getByLabel("Your reply").inputValue()).toBe("");
    await page.reload();
    await heading(page, "Printer prints blank pages").waitFor();
    expect(await page.getByLabel("Your reply").inputValue()).toBe("");
  });

  it("lets an agent open a ticket on behalf of a customer picked by name", async () => {
    const [agent, customer] = await Promise.all([app.t.createUser("AGENT", "Pat Phone"), app.t.createUser("CUSTOMER", "Quinn Querida")]);
    const page = await app.newPage();
    await signIn(page, agent.email, agent.password);
    await page.goto("/#/queue");
    await heading(page, "Queue").waitFor();
    await page.getByRole("link", { name: "New ticket" }).click();
    await heading(page, "New ticket").waitFor();

    await page.getByRole("combobox", { name: "Customer (optional)" }).fill("Quinn Quer");
    await page.getByRole("option", { name: /Quinn Querida/ }).click();
    await page.getByText("Opened for").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel("Subject").fill("Called in: laptop will not boot");
    await page.getByLabel("Description").fill("Customer phoned the desk; black screen after the logo.");
    await page.getByRole("button", { name: "Open ticket" }).click();
    await heading(page, "Called in: laptop will not boot").waitFor();
    await page.getByText("Opened by").getByText("Quinn Querida").waitFor();

    const theirs = await app.t.gql(`{ tickets(first: 5) { nodes { subject requester { id } } } }`, {}, customer.token);
    expect(theirs.data?.tickets.nodes).toEqual([{ subject: "Called in: laptop will not boot", requester: { id: customer.id } }]);
  });

  it("after an edit conflict shows one message and applies the action again on the latest version", async () => {
    const [agent, other, customer] = await Promise.all([app.t.createUser("AGENT", "Cleo Conflict"), app.t.createUser("AGENT", "Otis Other"), app.t.createUser("CUSTOMER")]);
    const ticket = await openTicket(app.t, customer.token, "Shared drive is read-only");
    const page = await app.newPage();
    await signIn(page, agent.email, agent.password);
    await page.goto(`/#/tickets/${ticket.id}`);
    await heading(page, "Shared drive is read-only").waitFor();
    await expect.poll(() => app.t.server.services.subscriptionHub.subscriberCount, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    // While the agent types, the page keeps the version they started from.
    await page.getByLabel("Your reply").fill("Looking into it");
    const changed = await app.t.gql(`mutation($id: ID!) { updateTicket(id: $id, input: { priority: HIGH }) { id } }`, { id: ticket.id }, other.token);
    expect(changed.errors).toBeUndefined();
    await page.getByText(/Otis Other changed this ticket while you were editing/).waitFor({ timeout: 15_000 });

    await page.getByLabel("Assignee").selectOption(agent.id);
    await page.getByText(/Someone else changed this ticket just before you\. The latest version is shown; your change \(assign it to Cleo Conflict\) was not applied yet\./).waitFor();
    expect(await page.getByRole("alert").filter({ hasText: /reload/i }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Apply again" }).click();
    await expect
      .poll(async () => (await app.t.gql(`query($id: ID!) { ticket(id: $id) { assignee { id } priority } }`, { id: ticket.id }, agent.token)).data?.ticket, { timeout: 10_000 })
      .toEqual({ assignee: { id: agent.id }, priority: "HIGH" });
    await expect.poll(() => page.getByRole("button", { name: "Apply again" }).count()).toBe(0);
  });
});
