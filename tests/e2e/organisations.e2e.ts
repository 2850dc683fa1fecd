import { describe, expect, it } from "vitest";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, navigate, signIn, signOut } from "./support/session.steps.js";
import { addComment, openTicket } from "./support/tickets.seed.js";

const app = useE2EApp();

describe("customer organisations", () => {
  it("an admin sets up an organisation with a manager, who then reads a colleague's ticket without its internal notes", async () => {
    const { t } = app;
    const admin = await t.createUser("ADMIN", "Ada Admin");
    const agent = await t.createUser("AGENT", "Aaron Agent");
    const manager = await t.createUser("CUSTOMER", "Mona Manager");
    const colleague = await t.createUser("CUSTOMER", "Colin Colleague");
    const ticket = await openTicket(t, colleague.token, "Laptop will not boot", "It shows a blinking cursor.");
    await addComment(t, agent.token, ticket.id, "Check his warranty first.", true);
    await addComment(t, agent.token, ticket.id, "Please hold the power button for ten seconds.");

    const page = await app.newPage();
    await signIn(page, admin.email, admin.password);
    await navigate(page, "Organisations");
    await heading(page, "Organisations").waitFor();
    await page.getByText("No organisations yet").waitFor();
    await page.getByRole("button", { name: "New organisation" }).click();
    await page.getByRole("button", { name: "Create organisation" }).click();
    await page.getByText("Enter the organisation's name.").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel("Name").fill("Northwind");
    await page.getByLabel("Email domains (optional)").fill("northwind.test, not a domain");
    await page.getByRole("button", { name: "Create organisation" }).click();
    await page.getByText('"not" is not an email domain such as example.com.').waitFor();
    await page.getByLabel("Email domains (optional)").fill("northwind.test");
    await page.getByRole("button", { name: "Create organisation" }).click();
    await heading(page, "Northwind").waitFor();

    for (const [person, role] of [
      [manager, "Manager"],
      [colleague, "Member"],
    ] as const) {
      const name = person === manager ? "Mona Manager" : "Colin Colleague";
      await page.getByLabel("Find a customer").fill(name.split(" ")[0]!);
      await page.getByRole("button", { name, exact: true }).click();
      await page.getByLabel("As", { exact: true }).selectOption({ label: role });
      await page.getByRole("button", { name: `Add ${name}` }).click();
      await page.getByText(`${name} was added as ${role.toLowerCase()}.`).waitFor();
    }
    const members = page.getByRole("list", { name: "Members" });
    expect(await members.getByRole("listitem").count()).toBe(2);
    expect(await page.getByLabel("Role of Mona Manager").inputValue()).toBe("MANAGER");
    expect(await axeViolations(page)).toEqual([]);
    await signOut(page);

    // The manager finds the colleague's ticket on their organisation's tab.
    await signIn(page, manager.email, manager.password);
    await navigate(page, "My tickets");
    await page.getByRole("link", { name: "My organisation's tickets" }).click();
    await heading(page, "Northwind's tickets").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole("link", { name: /Laptop will not boot/ }).click();
    await page.getByRole("heading", { level: 1, name: /Laptop will not boot/ }).waitFor();
    await page.getByText("Please hold the power button for ten seconds.").waitFor();
    expect(await page.locator("main").innerText()).not.toContain("Check his warranty first.");
    await page.getByText("Northwind", { exact: true }).waitFor();
  });
});
