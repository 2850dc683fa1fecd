import { describe, expect, it } from "vitest";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, signIn } from "./support/session.steps.js";
import { openTicket } from "./support/tickets.seed.js";

const app = useE2EApp();

async function seed() {
  const adminToken = await app.t.adminToken();
  const agent = await app.t.createUser("AGENT", "Iris Engineer");
  const customer = await app.t.createUser("CUSTOMER", "Pat Printer");
  const project = await app.t.gql(`mutation { createProject(input: { key: "BRD", name: "Board work" }) { id } }`, {}, adminToken);
  const projectId = project.data!.createProject.id as string;
  const create = (title: string, assigneeId?: string) =>
    app.t.gql(`mutation($i: CreateIssueInput!) { createIssue(input: $i) { id key } }`, { i: { projectId, title, assigneeId } }, agent.token).then((r) => r.data!.createIssue as { id: string; key: string });
  const first = await create("Printer driver crashes on duplex", agent.id);
  const second = await create("Unassigned follow-up");
  // More than a column's first page (25), so the column pages from the server.
  for (let n = 3; n <= 27; n++) await create(`Backlog item ${n}`);
  const ticket = await openTicket(app.t, customer.token, "Floor 3 printer jams on duplex");
  return { agent, first, second, ticket };
}

const status = (key: string, token: string) =>
  app.t.gql(`query($k: String!) { issue(key: $k) { status title linkedTickets { id } } }`, { k: key }, token).then((r) => r.data!.issue as { status: string; title: string; linkedTickets: { id: string }[] });

describe("the project board and an issue's page", () => {
  it("an agent pages the board, drags a card, edits the issue, comments on it and links a ticket found by search", async () => {
    const { agent, first, second, ticket } = await seed();
    const page = await app.newPage();
    await signIn(page, agent.email, agent.password);
    await page.goto("/#/projects/BRD");
    await heading(page, "BRD Board work").waitFor();

    // Counts come from the server, not from the cards loaded so far.
    const todo = page.locator('section[data-status="TODO"]');
    const inProgress = page.locator('section[data-status="IN_PROGRESS"]');
    await expect.poll(() => todo.locator(".count").textContent()).toContain("27");
    await expect.poll(() => todo.locator("article").count()).toBe(25);
    await todo.getByRole("button", { name: "Load more in To do" }).click();
    await expect.poll(() => todo.locator("article").count()).toBe(27);
    expect(await axeViolations(page)).toEqual([]);

    // A pointer drag runs the state machine's transition.
    await page.locator(`article[data-issue-key="${first.key}"]`).dragTo(inProgress);
    await page.getByRole("status").filter({ hasText: `${first.key} moved to In progress.` }).waitFor();
    await expect.poll(() => inProgress.locator(".count").textContent()).toContain("1");
    await expect.poll(() => todo.locator(".count").textContent()).toContain("26");
    expect((await status(first.key, agent.token)).status).toBe("IN_PROGRESS");

    // A drop the rules refuse says why, and moves nothing.
    await page.locator(`article[data-issue-key="${second.key}"]`).dragTo(inProgress);
    await page.getByRole("alert").filter({ hasText: `${second.key} was not moved to In progress` }).waitFor();
    expect((await status(second.key, agent.token)).status).toBe("TODO");

    // The keyboard way stays: the card's "Move to" menu.
    await page.getByLabel(`Move ${first.key} to`).selectOption({ label: "In review" });
    await page.getByRole("status").filter({ hasText: `${first.key} moved to In review.` }).waitFor();

    // The issue's page: edit the title.
    await page.locator(`article[data-issue-key="${first.key}"]`).getByRole("link", { name: "Printer driver crashes on duplex" }).click();
    await heading(page, "Printer driver crashes on duplex").waitFor();
    await page.getByRole("button", { name: "Edit issue" }).click();
    await page.getByLabel("Title").fill("Printer driver crashes on duplex jobs");
    await page.getByLabel("Priority").selectOption({ label: "High" });
    await page.getByRole("button", { name: "Save changes" }).click();
    await heading(page, "Printer driver crashes on duplex jobs").waitFor();
    expect((await status(first.key, agent.token)).title).toBe("Printer driver crashes on duplex jobs");

    // Comment on it.
    await page.getByLabel("Add a comment").fill("Reproduced with the **v5 driver**.");
    await page.getByRole("button", { name: "Comment", exact: true }).click();
    const thread = page.getByRole("region", { name: /Comments/ });
    await thread.getByRole("article", { name: "Comment by Iris Engineer" }).getByText("v5 driver").waitFor();

    // Link a ticket found by words of its subject.
    const search = page.getByRole("combobox", { name: "Link a ticket" });
    await search.fill("printer jams");
    const option = page.getByRole("option", { name: /Floor 3 printer jams on duplex/ });
    await option.waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await search.press("ArrowDown");
    await search.press("ArrowUp");
    await search.press("Enter");
    await page.getByRole("link", { name: new RegExp(`${ticket.reference.replace("#", "\\#")} Floor 3 printer`) }).waitFor();
    expect((await status(first.key, agent.token)).linkedTickets).toEqual([{ id: ticket.id }]);
    expect(await axeViolations(page)).toEqual([]);
  });

  it("an agent links an issue from a ticket's page by searching its key or title", async () => {
    const customer = await app.t.createUser("CUSTOMER");
    const agent = await app.t.createUser("AGENT");
    const adminToken = await app.t.adminToken();
    const project = await app.t.gql(`mutation { createProject(input: { key: "LNK", name: "Links" }) { id } }`, {}, adminToken);
    await app.t.gql(`mutation($p: ID!) { createIssue(input: { projectId: $p, title: "Mail relay drops attachments" }) { id } }`, { p: project.data!.createProject.id }, agent.token);
    const ticket = await openTicket(app.t, customer.token, "My attachment never arrived");

    const page = await app.newPage();
    await signIn(page, agent.email, agent.password);
    await page.goto(`/#/tickets/${ticket.id}`);
    await heading(page, "My attachment never arrived").waitFor();
    const search = page.getByRole("combobox", { name: "Link to issue" });
    await search.fill("relay");
    await page.getByRole("option", { name: /LNK-1 Mail relay drops attachments/ }).click();
    await page.getByRole("region", { name: "Linked issues" }).getByRole("link", { name: /LNK-1 Mail relay/ }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });
});
