import { describe, expect, it } from "vitest";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, signIn } from "./support/session.steps.js";

const app = useE2EApp();

/** Saved views as queue tabs: saved from the current filters, counted live, managed. */
describe("saved views", () => {
  it("an agent saves the queue's filters as a tab whose count follows the desk live, then renames and deletes it", async () => {
    const [agent, customer] = await Promise.all([app.t.createUser("AGENT", "Sam Saver"), app.t.createUser("CUSTOMER", "Uma Urgent")]);
    const open = (subject: string, priority: string) =>
      app.t.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`, { i: { subject, description: "Seeded by the e2e suite.", priority } }, customer.token);
    await open("Payroll export fails", "URGENT");
    await open("Badge reader offline", "URGENT");
    await open("New mouse please", "LOW");

    const page = await app.newPage();
    await signIn(page, agent.email, agent.password);
    await page.goto("/#/queue?view=all");
    await heading(page, "Queue").waitFor();
    await page.getByLabel("Priority").selectOption("URGENT");
    await page.getByRole("link", { name: /Payroll export fails/ }).waitFor();

    await page.getByRole("button", { name: "Save this view" }).click();
    const dialog = page.getByRole("dialog", { name: "Save this view" });
    await dialog.getByLabel("Name").fill("Urgent everywhere");
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole("button", { name: "Save view" }).click();

    const tabs = page.getByRole("navigation", { name: "Saved views" });
    const tab = tabs.getByRole("link", { name: /Urgent everywhere/ });
    await expect.poll(() => tab.textContent()).toMatch(/Urgent everywhere\s*2/);
    expect(await tab.getAttribute("aria-current")).toBe("page");
    await page.getByRole("link", { name: /Badge reader offline/ }).waitFor();
    expect(await page.getByRole("link", { name: /New mouse please/ }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    // A new urgent ticket elsewhere on the desk: the tab's count follows without a reload.
    await expect.poll(() => app.t.server.services.subscriptionHub.subscriberCount, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await open("VPN down for the whole floor", "URGENT");
    await expect.poll(() => tab.textContent(), { timeout: 15_000 }).toMatch(/Urgent everywhere\s*3/);

    // Back on a built-in tab, then the saved one again: its filter comes back.
    await page.getByRole("navigation", { name: "Queue views" }).getByRole("link", { name: "Unassigned" }).click();
    await tab.click();
    await page.getByRole("link", { name: /VPN down for the whole floor/ }).waitFor();

    await page.getByRole("button", { name: "Manage views" }).click();
    const manage = page.getByRole("dialog", { name: "Manage saved views" });
    expect(await axeViolations(page)).toEqual([]);
    const name = manage.getByRole("textbox", { name: /Name of/ });
    await name.fill("Urgent (all)");
    await name.press("Tab");
    await tabs.getByRole("link", { name: /Urgent \(all\)/ }).waitFor();
    await manage.getByRole("button", { name: /Delete/ }).click(); // the confirmation is answered yes (e2e-app.ts)
    await expect.poll(() => page.getByRole("navigation", { name: "Saved views" }).count()).toBe(0);
    expect(app.log(page).dialogs.map((d) => d.message)).toEqual([expect.stringMatching(/^Delete the saved view “Urgent \(all\)”\?/)]);
  });
});
