import { describe, expect, it } from "vitest";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, navigate, signIn } from "./support/session.steps.js";
import { moveTicket, openTicket } from "./support/tickets.seed.js";

const app = useE2EApp();

const RATING = `query($id: ID!) { ticket(id: $id) { satisfaction { score comment } watchers { id } ccs { email } } }`;

describe("satisfaction, watchers and CC in the browser", () => {
  it("a customer rates a resolved ticket from the link in their email", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Rae Rater");
    const agent = await app.t.createUser("AGENT", "Ari Agent");
    const ticket = await openTicket(app.t, customer.token, "Laptop will not charge");
    await moveTicket(app.t, agent.token, ticket.id, "IN_PROGRESS", "RESOLVED");

    const page = await app.newPage();
    await signIn(page, customer.email, customer.password);
    await page.goto(`/#/tickets/${ticket.id}?rate=1`);
    await heading(page, "Laptop will not charge").waitFor();
    const rating = page.getByRole("region", { name: "Rate our help" });
    const scores = rating.getByRole("group", { name: "How satisfied are you with how this ticket was handled?" });
    await scores.waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // Sending without a score says what is missing; the keyboard moves through the radio group.
    await rating.getByRole("button", { name: "Send rating" }).click();
    await rating.getByText("Choose a score from 1 to 5.").waitFor();
    await scores.getByRole("radio", { name: "Neutral", exact: true }).check();
    await page.keyboard.press("ArrowRight");
    expect(await scores.getByRole("radio", { name: "Satisfied", exact: true }).isChecked()).toBe(true);
    await rating.getByLabel("Comment (optional)").fill("Fixed in a day, thank you.");
    await rating.getByRole("button", { name: "Send rating" }).click();

    await rating.getByText("4 out of 5", { exact: true }).waitFor();
    await rating.getByText("Fixed in a day, thank you.", { exact: true }).waitFor();
    await rating.getByRole("button", { name: "Change rating" }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    const seen = await app.t.gql(RATING, { id: ticket.id }, agent.token);
    expect(seen.data?.ticket.satisfaction).toEqual({ score: 4, comment: "Fixed in a day, thank you." });
    app.keep(page);
  });

  it("an agent watches a ticket, copies someone, mentions a colleague and reads the satisfaction report", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Cleo Customer");
    const agent = await app.t.createUser("AGENT", "Wren Watcher");
    const colleague = await app.t.createUser("AGENT", "Mika Mentioned");
    const ticket = await openTicket(app.t, customer.token, "Monitor flickers");

    const page = await app.newPage();
    await signIn(page, agent.email, agent.password);
    await page.goto(`/#/tickets/${ticket.id}`);
    await heading(page, "Monitor flickers").waitFor();
    const followers = page.getByRole("region", { name: "Followers" });
    await followers.getByRole("button", { name: "Watch" }).click();
    await followers.getByRole("button", { name: "Watching" }).waitFor();
    expect(await followers.getByRole("button", { name: "Watching" }).getAttribute("aria-pressed")).toBe("true");

    await followers.getByLabel("Email address to copy").fill("Manager@Example.test");
    await followers.getByRole("button", { name: "Add CC" }).click();
    await followers.getByText("manager@example.test", { exact: true }).waitFor();

    await page.getByRole("radio", { name: "Internal note" }).check();
    const note = page.getByLabel("Internal note (agents only)");
    await note.click();
    await page.keyboard.type("Please check this, @Mik");
    const options = page.getByRole("listbox", { name: "Agents to mention" });
    await options.getByRole("option", { name: "Mika Mentioned" }).waitFor();
    expect(await note.getAttribute("aria-activedescendant")).toBeTruthy();
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press("Enter");
    await expect.poll(() => note.inputValue()).toBe(`Please check this, @[Mika Mentioned](user:${colleague.id}) `);
    await page.getByRole("button", { name: "Add internal note" }).click();
    await followers.getByRole("listitem").filter({ hasText: "Mika Mentioned" }).waitFor(); // mentioned agents start watching

    const seen = await app.t.gql(RATING, { id: ticket.id }, agent.token);
    expect(seen.data?.ticket.ccs).toEqual([{ email: "manager@example.test" }]);
    expect(seen.data?.ticket.watchers.map((w: { id: string }) => w.id).sort()).toEqual([agent.id, colleague.id].sort());
    expect(await axeViolations(page)).toEqual([]);

    await navigate(page, "Dashboard");
    await heading(page, "Dashboard").waitFor();
    const report = page.getByRole("region", { name: /Customer satisfaction/ });
    await report.getByText(/rating/).first().waitFor();
    await report.getByRole("radio", { name: "Per agent" }).check();
    expect(await axeViolations(page)).toEqual([]);
    app.keep(page);
  });
});
