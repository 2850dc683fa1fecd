import { describe, expect, it } from "vitest";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, signIn } from "./support/session.steps.js";
import { openTicket } from "./support/tickets.seed.js";

const app = useE2EApp();

describe("bulk changes", () => {
  it("an agent selects 50 tickets over three pages, previews assigning them, and assigns all 50 at once", async () => {
    const agent = await app.t.createUser("AGENT", "Bea Bulk");
    const customer = await app.t.createUser("CUSTOMER", "Cole Customer");
    for (let i = 0; i < 50; i++) await openTicket(app.t, customer.token, `Zebraprinter outage report ${i}`);

    const page = await app.newPage();
    await signIn(page, agent.email, agent.password);
    await heading(page, "Queue").waitFor();
    await page.goto("/#/queue?view=all&q=Zebraprinter");
    const list = page.getByRole("list", { name: "Queue: All" });
    await expect.poll(() => list.getByRole("checkbox").count(), { timeout: 20_000 }).toBe(20);

    // Page 1: select all 20; page 2: all 20; page 3: the first row, then shift-click the last (a range).
    await page.getByLabel("Select all on this page").check();
    await page.getByText("20 selected").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole("button", { name: /Next/ }).click();
    await page.getByText("20 selected").waitFor();
    await expect.poll(() => page.getByLabel("Select all on this page").isChecked()).toBe(false);
    await page.getByLabel("Select all on this page").check();
    await page.getByText("40 selected").waitFor();
    await page.getByRole("button", { name: /Next/ }).click();
    const boxes = list.getByRole("checkbox");
    await expect.poll(() => boxes.count()).toBe(10);
    await boxes.first().check();
    await boxes.last().click({ modifiers: ["Shift"] });
    await page.getByText("50 selected").waitFor();

    const bar = page.getByRole("region", { name: "50 tickets selected" });
    await bar.getByLabel("Assign to").selectOption({ label: "Bea Bulk (me)" });
    await bar.getByRole("button", { name: "Preview" }).click();
    await bar.getByRole("heading", { name: "Preview: 50 allowed, 0 left out" }).waitFor();
    await bar.getByRole("cell", { name: "assignee nobody → Bea Bulk" }).first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await bar.getByRole("button", { name: "Apply to 50 tickets" }).click();
    await page.getByRole("status").filter({ hasText: "50 tickets changed." }).waitFor({ state: "attached" }).catch(() => undefined);
    await page.getByText("0 selected").waitFor({ state: "detached" }).catch(() => undefined);

    await expect
      .poll(async () => {
        const res = await app.t.gql(`query($f: TicketFilter) { tickets(first: 100, filter: $f) { totalCount } }`, { f: { search: "Zebraprinter", assignee: { userId: agent.id } } }, agent.token);
        return res.data?.tickets.totalCount;
      })
      .toBe(50);
    expect(await axeViolations(page)).toEqual([]);
  }, 180_000);
});
