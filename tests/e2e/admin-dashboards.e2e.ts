import { describe, expect, it } from "vitest";
import { DEFAULT_PASSWORD } from "../support/server.js";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, navigate, signIn } from "./support/session.steps.js";
import { moveTicket, openTicket } from "./support/tickets.seed.js";

const app = useE2EApp();

const login = (email: string, password: string) => app.t.gql(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: { email, password } });

describe("admin and agent views", () => {
  it("a user renames themselves; an admin reads their page, ends a session and finds their events by name", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Rita Requester");
    const ticket = await openTicket(app.t, customer.token, "Badge reader refuses my card");

    // The customer renames themselves on the Account page.
    const own = await app.newPage();
    await signIn(own, customer.email, customer.password);
    await own.goto("/#/account");
    await heading(own, "Your account").waitFor();
    await own.getByLabel("Display name").fill("Rita  Renamed");
    await own.getByRole("button", { name: "Save name" }).click();
    await own.getByRole("status").filter({ hasText: "Your name is now Rita Renamed." }).waitFor({ state: "attached" });
    await own.getByRole("navigation", { name: "Main" }).getByText("Rita Renamed").waitFor();
    expect(await axeViolations(own)).toEqual([]);

    const admin = await app.t.createUser("ADMIN", "Ada Admin");
    const page = await app.newPage();
    await signIn(page, admin.email, admin.password);
    await navigate(page, "Users");
    await heading(page, "Users").waitFor();
    await page.getByRole("link", { name: "Rita Renamed" }).click();

    await heading(page, "Rita Renamed").waitFor();
    await page.getByText(customer.email).waitFor();
    const tickets = page.getByRole("list", { name: "Tickets Rita Renamed opened, newest first" });
    await tickets.getByRole("link", { name: new RegExp(`${ticket.reference}.*Badge reader`) }).waitFor();
    // The API sign-in of createUser and the browser's: two live sessions.
    const sessions = page.getByRole("list", { name: "Sessions of Rita Renamed" });
    await sessions.getByRole("listitem").nth(1).waitFor();
    const audit = page.getByRole("region", { name: "Audit trail" });
    await audit.getByText("Profile updated").first().waitFor();
    await audit.getByText(/Ticket created · #\d+ · Badge reader/).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await sessions.getByRole("button", { name: /^Sign out/ }).first().click();
    await page.getByRole("status").filter({ hasText: "was signed out." }).waitFor({ state: "attached" });
    await expect.poll(() => sessions.getByRole("listitem").count()).toBe(1);

    // The audit trail names targets and filters by a person found by name.
    await navigate(page, "Audit trail");
    await heading(page, "Audit trail").waitFor();
    await page.getByRole("list", { name: "Audit events" }).getByRole("link", { name: /#\d+ · Badge reader refuses my card/ }).first().waitFor();
    await page.getByLabel("Find an actor").fill("Rita");
    await page.getByRole("list", { name: "Matches for find an actor" }).waitFor();
    await page.getByRole("list", { name: "Matches for find an actor" }).getByRole("button", { name: "Rita Renamed" }).click();
    await page.getByRole("list", { name: "Chosen filters" }).getByText("Rita Renamed").waitFor();
    await expect.poll(() => page.url()).toContain(`actor=${customer.id}`);
    const events = page.getByRole("list", { name: "Audit events" });
    await events.getByText("Profile updated").waitFor();
    expect(await events.getByText("Ada Admin").count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    app.keep(page);
  });

  it("an admin reads sign-ins, failures, lockouts and rate-limit hits on the security dashboard, in light and dark", async () => {
    const victim = await app.t.createUser("CUSTOMER", "Lou Locked");
    for (let i = 0; i < 5; i++) await login(victim.email, "not the password at all"); // five failures lock
    await login(victim.email, DEFAULT_PASSWORD); // refused: locked

    const admin = await app.t.createUser("ADMIN", "Sam Security");
    const page = await app.newPage();
    await signIn(page, admin.email, admin.password);
    await navigate(page, "Security");
    await heading(page, "Security").waitFor();
    const totals = page.getByRole("list", { name: "Totals for the period" });
    const tile = (name: string) => totals.getByRole("listitem").filter({ hasText: name });
    await expect.poll(async () => Number(await tile("Failed sign-ins").locator(".value").innerText())).toBeGreaterThanOrEqual(5);
    expect(Number(await tile("Lockouts").locator(".value").innerText())).toBeGreaterThanOrEqual(1);
    await tile("Locked out now").getByRole("link").waitFor();
    await page.getByRole("img", { name: /Sign-ins and failed sign-ins per hour\. Totals: Sign-ins: \d+, Failures: \d+/ }).waitFor();
    await page.getByRole("img", { name: /Lockouts and rate-limit hits per hour/ }).waitFor();

    // The same numbers as a table.
    await page.getByRole("button", { name: "Show the numbers as a table" }).first().click();
    const table = page.getByRole("table", { name: "Sign-ins and failed sign-ins per hour" });
    await table.waitFor();
    expect(await table.getByRole("row").count()).toBeGreaterThanOrEqual(25); // header + 24 or 25 hours
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel("Period", { exact: true }).selectOption("LAST_7_DAYS");
    await page.getByRole("img", { name: /Sign-ins and failed sign-ins per day/ }).waitFor();
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axeViolations(page)).toEqual([]);

    // The two-factor policy per role, below the charts.
    const agents = page.getByRole("form", { name: "Agents two-factor policy" });
    await agents.getByLabel("Require a second factor").check();
    await agents.getByLabel("Grace period (days)").fill("3");
    await agents.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Agents: a second factor is required, with 3 days to set one up." }).waitFor({ state: "attached" });
    const stored = await app.t.gql(`{ secondFactorPolicies { role required graceDays custom } }`, {}, await app.t.adminToken());
    expect(stored.data!.secondFactorPolicies).toContainEqual({ role: "AGENT", required: true, graceDays: 3, custom: true });
    await agents.getByLabel("Require a second factor").uncheck();
    await agents.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Agents: a second factor is optional." }).waitFor({ state: "attached" });
    expect(await axeViolations(page)).toEqual([]);
    app.keep(page);
  });

  it("an agent's dashboard counts the desk and their workload and charts created versus resolved", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Cleo Customer");
    const agent = await app.t.createUser("AGENT", "Drew Desk");
    const agentId = (await app.t.gql(`{ me { id } }`, {}, agent.token)).data!.me.id as string;
    const first = await openTicket(app.t, customer.token, "Laptop will not boot");
    const second = await openTicket(app.t, customer.token, "VPN drops hourly");
    await openTicket(app.t, customer.token, "New starter needs an account");
    for (const id of [first.id, second.id]) await app.t.gql(`mutation($id: ID!, $a: ID) { assignTicket(id: $id, assigneeId: $a) { id } }`, { id, a: agentId }, agent.token);
    await moveTicket(app.t, agent.token, second.id, "IN_PROGRESS", "RESOLVED");

    const page = await app.newPage();
    await signIn(page, agent.email, agent.password);
    await navigate(page, "Dashboard");
    await heading(page, "Dashboard").waitFor();
    const desk = page.getByRole("region", { name: "The desk now" });
    const count = async (region: typeof desk, name: string) => Number(await region.getByRole("link", { name: new RegExp(`${name}$`) }).locator(".value").innerText());
    expect(await count(desk, "Open tickets")).toBeGreaterThanOrEqual(2);
    const mine = page.getByRole("region", { name: "My workload" });
    expect(await count(mine, "Open")).toBe(1);
    expect(await count(mine, "Resolved")).toBe(1);
    await page.getByText(/\d+ created and \d+ resolved/).waitFor();
    const chart = page.getByRole("img", { name: /Tickets created and resolved per day\. Totals: Created: \d+, Resolved: \d+/ });
    const label = (await chart.getAttribute("aria-label")) ?? "";
    expect(Number(/Created: (\d+)/.exec(label)![1])).toBeGreaterThanOrEqual(3);
    expect(Number(/Resolved: (\d+)/.exec(label)![1])).toBeGreaterThanOrEqual(1);
    expect(await axeViolations(page)).toEqual([]);

    await page.emulateMedia({ colorScheme: "dark" });
    await page.getByRole("button", { name: "Show the numbers as a table" }).click();
    expect(await page.getByRole("table", { name: "Tickets created and resolved per day" }).getByRole("row").count()).toBe(15);
    expect(await axeViolations(page)).toEqual([]);

    await mine.getByRole("link", { name: /Resolved$/ }).click();
    await heading(page, "Queue").waitFor();
    app.keep(page);
  });
});
