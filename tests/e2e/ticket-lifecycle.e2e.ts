import { describe, expect, it } from "vitest";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, shownTicketStatus, signIn } from "./support/session.steps.js";
import { addComment, moveTicket, openTicket, ticketStatus } from "./support/tickets.seed.js";

const app = useE2EApp();

describe("a ticket from sign-up to reopening", () => {
  it("a customer signs up and opens a ticket", async () => {
    const page = await app.newPage();
    await page.goto("/");
    await expect.poll(() => page.url()).toContain("#/signin");
    await page.getByRole("link", { name: "Create an account" }).click();

    await heading(page, "Create your account").waitFor();
    await page.getByLabel("Email").fill("casey.customer@example.test");
    await page.getByLabel("Display name").fill("Casey Customer");
    await page.getByLabel("Password", { exact: true }).fill("correct horse battery staple 42");
    await page.getByRole("button", { name: "Create account" }).click();

    await heading(page, "My tickets").waitFor();
    await page.getByText("You have not opened any tickets yet").waitFor();
    await page.getByRole("main").getByRole("link", { name: "New ticket" }).click();

    await heading(page, "New ticket").waitFor();
    await page.getByLabel("Subject").fill("Printer on floor 3 jams on every page");
    await page.getByLabel("Description").fill("Since Monday the **floor 3 printer** jams after one page.\n\n- tried a new tray\n- restarted it");
    await page.getByLabel("Priority").selectOption({ label: "High" });
    await page.getByLabel("Category").selectOption("Hardware");
    await page.getByRole("button", { name: "Open ticket" }).click();

    await heading(page, "Printer on floor 3 jams on every page").waitFor();
    const details = page.getByRole("complementary", { name: "Ticket details" });
    await details.getByText("Casey Customer").first().waitFor();
    await expect.poll(() => shownTicketStatus(page)).toBe("Open");
    await page.getByRole("strong").filter({ hasText: "floor 3 printer" }).waitFor();

    // The desk sees it as the customer wrote it.
    const ticketId = page.url().split("#/tickets/")[1]!;
    const agent = await app.t.createUser("AGENT");
    const seen = await app.t.gql(TICKET, { id: ticketId }, agent.token);
    expect(seen.data?.ticket).toMatchObject({ subject: "Printer on floor 3 jams on every page", status: "OPEN", priority: "HIGH", category: "Hardware", requester: { displayName: "Casey Customer" } });

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My tickets" }).click();
    await page.getByRole("list", { name: "My tickets" }).getByRole("link", { name: /Printer on floor 3/ }).waitFor();
  });

  it("an agent finds the ticket in the queue, adds an internal note and a public reply, and resolves it", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Morgan Requester");
    const ticket = await openTicket(app.t, customer.token, "VPN drops every ten minutes");
    await openTicket(app.t, customer.token, "Unrelated: new mouse please");
    const agent = await app.t.createUser("AGENT", "Alex Agent");

    const page = await app.newPage();
    await signIn(page, agent.email, agent.password);
    await heading(page, "Queue").waitFor();
    // "/" jumps to the search box, as on GitHub and Linear.
    await page.keyboard.press("/");
    const search = page.getByRole("search", { name: "Filter the queue" }).getByLabel("Search");
    await expect.poll(() => search.evaluate((input) => input === (input.ownerDocument as { activeElement: unknown }).activeElement)).toBe(true);
    await page.keyboard.type("VPN drops");
    await page.keyboard.press("Enter");
    const queue = page.getByRole("list", { name: "Queue: Unassigned" });
    await expect.poll(() => queue.getByRole("link").count()).toBe(1);
    await queue.getByRole("link", { name: /VPN drops every ten minutes/ }).click();

    await heading(page, "VPN drops every ten minutes").waitFor();
    await page.getByRole("radio", { name: "Internal note" }).check();
    await page.getByLabel("Internal note (agents only)").fill("Looks like the **old client**; check the gateway logs first.");
    await page.getByRole("button", { name: "Add internal note" }).click();
    const conversation = page.getByRole("list").filter({ has: page.getByRole("article") });
    await conversation.getByRole("article", { name: "Internal note" }).getByText("old client").waitFor();

    await page.getByRole("radio", { name: "Public reply" }).check();
    await page.getByLabel("Your reply").fill("Please update the VPN client to 5.2 and tell us if it still drops.");
    await page.getByRole("button", { name: "Send reply" }).click();
    await conversation.getByRole("article", { name: "Reply" }).getByText("update the VPN client to 5.2").waitFor();

    const status = page.getByRole("group", { name: "Change status" });
    await status.getByRole("button", { name: "Start work" }).click();
    await status.getByRole("button", { name: "Mark resolved" }).click();
    await status.getByRole("button", { name: "Reopen" }).waitFor();
    await expect.poll(() => shownTicketStatus(page)).toBe("Resolved");

    expect(await ticketStatus(app.t, agent.token, ticket.id)).toBe("RESOLVED");
  });

  it("the customer sees the reply but not the internal note, and reopens the ticket", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Robin Requester");
    const agent = await app.t.createUser("AGENT", "Sam Support");
    const ticket = await openTicket(app.t, customer.token, "Cannot open shared calendar");
    await addComment(app.t, agent.token, ticket.id, "Internal: their mailbox is on the legacy cluster.", true);
    await addComment(app.t, agent.token, ticket.id, "I re-shared the calendar with you; please try again.");
    await moveTicket(app.t, agent.token, ticket.id, "IN_PROGRESS", "RESOLVED");

    const page = await app.newPage();
    await signIn(page, customer.email, customer.password);
    await heading(page, "My tickets").waitFor();
    await page.getByRole("list", { name: "My tickets" }).getByRole("link", { name: /Cannot open shared calendar/ }).click();

    await heading(page, "Cannot open shared calendar").waitFor();
    const reply = page.getByRole("article", { name: "Reply" });
    await reply.getByText("I re-shared the calendar with you").waitFor();
    await reply.getByText("Sam Support").waitFor();
    await expect(page.getByRole("article", { name: "Internal note" }).count()).resolves.toBe(0);
    expect(await page.getByRole("main").textContent()).not.toContain("legacy cluster");

    const status = page.getByRole("group", { name: "Change status" });
    await status.getByRole("button", { name: "Reopen" }).click();
    await expect.poll(() => shownTicketStatus(page)).toBe("Open");
    expect(await ticketStatus(app.t, agent.token, ticket.id)).toBe("OPEN");

    await page.getByLabel("Your reply").fill("Still failing after the re-share, sorry.");
    await page.getByRole("button", { name: "Send reply" }).click();
    await page.getByRole("article", { name: "Reply" }).getByText("Still failing after the re-share").waitFor();
  });

  it("an agent walks the queue with the keyboard, opens a ticket and finds the same row selected after Back", async () => {
    const customer = await app.t.createUser("CUSTOMER");
    for (const subject of ["Keyboard walk one", "Keyboard walk two", "Keyboard walk three"]) await openTicket(app.t, customer.token, subject);
    const agent = await app.t.createUser("AGENT");
    const page = await app.newPage();
    await signIn(page, agent.email, agent.password);
    await heading(page, "Queue").waitFor();
    await page.keyboard.press("/");
    await page.keyboard.type("Keyboard walk");
    await page.keyboard.press("Enter");
    const queue = page.getByRole("list", { name: "Queue: Unassigned" });
    await expect.poll(() => queue.getByRole("link").count()).toBe(3);
    await page.locator("main h1").click(); // leave the search box, so j and k move through the list
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    const focusedText = () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent ?? "");
    const chosen = await focusedText();
    expect(chosen).toMatch(/Keyboard walk/);
    await page.keyboard.press("Enter");
    await heading(page, chosen.match(/Keyboard walk \w+/)![0]).waitFor();
    await page.goBack();
    await heading(page, "Queue").waitFor();
    await expect.poll(() => queue.locator("li.selected").count()).toBe(1);
    // The row's link (the row also holds the bulk-selection checkbox).
    expect(await queue.locator("li.selected").getByRole("link").textContent()).toBe(chosen);
    // The keyboard goes on from there: Enter opens the same ticket again.
    await page.locator("main h1").click();
    await page.keyboard.press("Enter");
    await heading(page, chosen.match(/Keyboard walk \w+/)![0]).waitFor();
  });

  it("the customer withdraws a ticket they no longer need, told truly that it is final", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Wren Withdrawer");
    const ticket = await openTicket(app.t, customer.token, "Projector in room 4 is dim");
    await addComment(app.t, customer.token, ticket.id, "It might just be the bulb.");
    const agent = await app.t.createUser("AGENT");

    const page = await app.newPage();
    await signIn(page, customer.email, customer.password);
    await heading(page, "My tickets").waitFor();
    await page.getByRole("list", { name: "My tickets" }).getByRole("link", { name: /Projector in room 4/ }).click();
    await heading(page, "Projector in room 4 is dim").waitFor();
    const mine = page.getByRole("article", { name: "Reply" }).filter({ hasText: "just be the bulb" });
    await mine.getByRole("button", { name: "Edit" }).waitFor();

    await page.getByRole("group", { name: "Change status" }).getByRole("button", { name: "Withdraw ticket" }).click();
    await expect.poll(() => shownTicketStatus(page)).toBe("Closed");
    expect(app.log(page).dialogs).toEqual([
      { type: "confirm", message: "Withdraw this ticket? It will be closed for good: nobody can reopen it or reply to it. If you need help again, open a new ticket." },
    ]);
    // What can no longer be done disappears at once, without a reload.
    await expect.poll(() => mine.getByRole("button", { name: "Edit" }).count()).toBe(0);
    expect(await page.getByRole("group", { name: "Change status" }).count()).toBe(0);
    expect(await ticketStatus(app.t, agent.token, ticket.id)).toBe("CLOSED");
    const history = await app.t.gql(`query($id: ID!) { ticket(id: $id) { history { action to details } } }`, { id: ticket.id }, agent.token);
    expect(history.data?.ticket.history.at(-1)).toMatchObject({ action: "TICKET_TRANSITIONED", to: "CLOSED", details: { reason: "Withdrawn by the customer" } });
  });
});

const TICKET = `query($id: ID!) { ticket(id: $id) { subject status priority category requester { displayName } } }`;
