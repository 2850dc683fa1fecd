import { describe, expect, it } from "vitest";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, navigate, shownTicketStatus, signIn } from "./support/session.steps.js";
import { moveTicket, openTicket } from "./support/tickets.seed.js";

const app = useE2EApp();

describe("macros", () => {
  it("an agent writes a canned response and a macro, applies it to a ticket after a preview, and sees the reply, status and tag", async () => {
    const agent = await app.t.createUser("AGENT", "Avery Agent");
    const customer = await app.t.createUser("CUSTOMER", "Carla Customer");
    const ticket = await openTicket(app.t, customer.token, "Printer jams on page two", "Every print job.");
    await moveTicket(app.t, agent.token, ticket.id, "IN_PROGRESS");

    const page = await app.newPage();
    await signIn(page, agent.email, agent.password);
    await navigate(page, "Replies and macros");
    await heading(page, "Replies and macros").waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // A canned response with placeholders.
    await page.getByRole("button", { name: "New canned response" }).click();
    await page.getByLabel("Title").fill("Printer fixed");
    await page.getByLabel("Body (Markdown)").fill("Hello {{requester.name}}, {{ticket.reference}} is fixed: the tray is replaced.");
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Save canned response" }).click();
    await page.getByRole("list", { name: "Canned responses" }).getByText("Printer fixed").waitFor();

    // A macro that replies with it, resolves the ticket and tags it.
    await page.getByRole("button", { name: "New macro" }).click();
    await page.getByLabel("Name", { exact: true }).fill("Printer solved");
    await page.getByLabel("Message", { exact: true }).selectOption("canned");
    await page.getByLabel("Canned response", { exact: true }).selectOption({ label: "Printer fixed (personal)" });
    await page.getByLabel("Status", { exact: true }).selectOption("RESOLVED");
    await page.getByLabel("Add tags").fill("printer");
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Save macro" }).click();
    const row = page.getByRole("list", { name: "Macros" }).getByRole("listitem").filter({ hasText: "Printer solved" });
    await row.getByText("Set status to Resolved").waitFor();

    // On the ticket: preview, then apply.
    await page.goto(`/#/tickets/${ticket.id}`);
    await heading(page, "Printer jams on page two").waitFor();
    const macroPanel = page.getByRole("region", { name: "Apply macro" });
    await macroPanel.getByLabel("Macro").selectOption({ label: "Printer solved (personal)" });
    await macroPanel.getByRole("button", { name: "Preview" }).click();
    const changes = macroPanel.getByRole("list", { name: "Changes the macro makes" });
    await changes.getByText(`Reply: “Hello Carla Customer, ${ticket.reference} is fixed: the tray is replaced.”`).waitFor();
    await changes.getByText("Status: In progress → Resolved").waitFor();
    await changes.getByText("Tags: none → printer").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await macroPanel.getByRole("button", { name: "Apply" }).click();
    await macroPanel.getByText("Macro “Printer solved” applied.").waitFor();

    await page.getByText(`Hello Carla Customer, ${ticket.reference} is fixed: the tray is replaced.`).first().waitFor();
    await expect.poll(() => shownTicketStatus(page)).toBe("Resolved");
    await page.getByRole("list", { name: "Tags of this ticket" }).getByText("printer").waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it("an agent inserts a canned response into a reply from the keyboard", async () => {
    const agent = await app.t.createUser("AGENT", "Kim Keys");
    const customer = await app.t.createUser("CUSTOMER", "Cleo Customer");
    const ticket = await openTicket(app.t, customer.token, "Cannot sign in", "Since the update.");
    await app.t.gql(`mutation { createCannedResponse(input: { title: "Greeting", body: "Hi {{requester.name}}," }) { id } }`, {}, agent.token);

    const page = await app.newPage();
    await signIn(page, agent.email, agent.password);
    await page.goto(`/#/tickets/${ticket.id}`);
    await heading(page, "Cannot sign in").waitFor();
    await page.getByRole("button", { name: "Insert canned response" }).click();
    await page.getByLabel("Search canned responses").fill("greet");
    await page.getByRole("list", { name: "Canned responses" }).getByText("Greeting").waitFor();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByLabel("Your reply").inputValue()).toBe("Hi Cleo Customer,");
    expect(await axeViolations(page)).toEqual([]);
  });
});
