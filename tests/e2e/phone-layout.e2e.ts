import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "../support/server.js";
import { useE2EApp } from "./support/e2e-app.js";
import { horizontalOverflow } from "./support/layout.js";
import { heading, navigate, signIn } from "./support/session.steps.js";
import { addComment, openTicket } from "./support/tickets.seed.js";

const app = useE2EApp();
const PHONE = { width: 375, height: 812 };

// Long words, links and code lines are what usually push a phone layout sideways.
const SUBJECT = "Outlook keeps asking for my password after the Autodiscover migration on Friday";
const AWKWARD_REPLY = [
  "Please follow https://intranet.example.test/knowledge-base/messaging/outlook/autodiscover-migration-2026/re-authenticate-your-profile-step-by-step",
  "```\nGet-MailboxAutoReplyConfiguration -Identity someone.with.a.very.long.name@example.test | Format-List StartTime,EndTime,InternalMessage\n```",
  "Reference: CONFIGURATIONMANAGERCLIENTHEALTHEVALUATIONFAILEDWITHEXITCODE0x87D00215",
].join("\n\n");

async function expectFits(page: Page, screen: string): Promise<void> {
  expect(await horizontalOverflow(page), `${screen} scrolls sideways at ${PHONE.width}px`).toEqual({ pixels: 0, culprits: [] });
}

describe("at phone width (375 x 812)", () => {
  it("the customer's screens fit a phone without sideways scrolling", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Pat Phone");
    const agent = await app.t.createUser("AGENT", "Alex Agent");
    const ticket = await openTicket(app.t, customer.token, SUBJECT);
    await addComment(app.t, agent.token, ticket.id, AWKWARD_REPLY);

    const page = await app.newPage(PHONE);
    await page.goto("/#/signin");
    await heading(page, "Sign in to DeskQL").waitFor();
    await expectFits(page, "Sign in");
    await page.getByRole("link", { name: "Create an account" }).click();
    await heading(page, "Create your account").waitFor();
    await expectFits(page, "Create your account");

    await signIn(page, customer.email, customer.password);
    await page.getByRole("list", { name: "My tickets" }).getByRole("link", { name: /Outlook keeps asking/ }).waitFor();
    await expectFits(page, "My tickets");

    await navigate(page, "New ticket");
    await heading(page, "New ticket").waitFor();
    await expectFits(page, "New ticket");

    await page.goto(`/#/tickets/${ticket.id}`);
    await page.getByRole("article", { name: "Reply" }).getByText("Get-MailboxAutoReplyConfiguration").waitFor();
    await expectFits(page, "Ticket");
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My tickets" }).waitFor();
    await expectFits(page, "Ticket with the menu open");
  });

  it("the agent's and admin's screens fit a phone without sideways scrolling", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Someone With A Rather Long Display Name For A Phone");
    const agent = await app.t.createUser("AGENT", "Alex Agent");
    const ticket = await openTicket(app.t, customer.token, `${SUBJECT} (again)`);
    await addComment(app.t, agent.token, ticket.id, AWKWARD_REPLY, true);

    const admin = await app.newPage(PHONE);
    await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
    await admin.getByRole("list", { name: "Queue: Unassigned" }).getByRole("link", { name: /\(again\)/ }).waitFor();
    await expectFits(admin, "Queue");

    await admin.getByRole("list", { name: "Queue: Unassigned" }).getByRole("link", { name: /\(again\)/ }).click();
    await admin.getByRole("article", { name: "Internal note" }).getByText("Get-MailboxAutoReplyConfiguration").waitFor();
    await admin.getByRole("heading", { name: "Triage" }).waitFor();
    await expectFits(admin, "Ticket (staff)");

    await navigate(admin, "Users");
    await admin.getByRole("combobox", { name: /Role of Someone With A Rather Long Display Name/ }).waitFor();
    await expectFits(admin, "Users");

    await navigate(admin, "Audit trail");
    await admin.getByRole("list", { name: "Audit events" }).waitFor();
    await expectFits(admin, "Audit trail");

    await navigate(admin, "Queue");
    await heading(admin, "Queue").waitFor();
    await admin.getByRole("list", { name: "Queue: Unassigned" }).getByRole("link", { name: /\(again\)/ }).click();
    await admin.getByRole("heading", { name: "Triage" }).waitFor();
  });
});
