import { describe, expect, it } from "vitest";
import { useE2EApp } from "./support/e2e-app.js";
import { axeViolations } from "./support/axe.js";
import { heading, signIn } from "./support/session.steps.js";
import { addComment, moveTicket } from "./support/tickets.seed.js";

const app = useE2EApp();

describe("triage suggestions", () => {
  it("shows a customer their earlier solved ticket while they write, and lets an agent apply a suggested category", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Quinn Querent");
    const agent = await app.t.createUser("AGENT", "Sasha Solver");
    const earlier = await app.t.gql(
      `mutation($i: CreateTicketInput!) { createTicket(input: $i) { id reference } }`,
      { i: { subject: "VPN client drops every hour", description: "The VPN client disconnects at home.", category: "Network" } },
      customer.token,
    );
    const earlierId = earlier.data!.createTicket.id as string;
    await addComment(app.t, agent.token, earlierId, "Updating the **VPN client** to version 5 fixed it.");
    await moveTicket(app.t, agent.token, earlierId, "IN_PROGRESS", "RESOLVED");

    const page = await app.newPage();
    await signIn(page, customer.email, customer.password);
    await heading(page, "My tickets").waitFor();
    await page.goto("/#/tickets/new");
    await heading(page, "New ticket").waitFor();
    await page.getByLabel("Subject").fill("VPN client drops again");
    await page.getByLabel("Description").fill("Same as last month: the VPN disconnects.");
    const hints = page.getByRole("complementary", { name: "Before you send" });
    await hints.getByRole("link", { name: /VPN client drops every hour/ }).waitFor();
    await hints.getByText("Updating the VPN client to version 5 fixed it.").waitFor();
    await hints.getByRole("button", { name: "Use Network" }).click();
    expect(await page.getByLabel("Category").inputValue()).toBe("Network");
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel("Category").selectOption("");
    await page.getByRole("button", { name: "Open ticket" }).click();
    await heading(page, "VPN client drops again").waitFor();
    const newId = page.url().split("#/tickets/")[1]!;

    const desk = await app.newPage();
    await signIn(desk, agent.email, agent.password);
    await desk.goto(`/#/tickets/${newId}`);
    await heading(desk, "VPN client drops again").waitFor();
    await desk.getByText("Suggestions").click();
    const panel = desk.getByRole("region", { name: "Suggestions" });
    await panel.getByText("A reply to start from").waitFor();
    await panel.getByRole("button", { name: "Apply" }).first().waitFor();
    expect(await axeViolations(desk)).toEqual([]);
    const category = panel.locator("p.pick", { hasText: "Category" });
    await category.getByRole("button", { name: "Apply" }).click();
    await expect.poll(async () => (await app.t.gql(`query($id: ID!) { ticket(id: $id) { category } }`, { id: newId }, agent.token)).data?.ticket.category).toBe("Network");
  });
});
