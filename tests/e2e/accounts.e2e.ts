import { describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "../support/server.js";
import { useE2EApp } from "./support/e2e-app.js";
import { fillSignIn, heading, navigate, signIn, signOut } from "./support/session.steps.js";

// Three failed sign-ins lock an account here, so the lockout test stays short.
const app = useE2EApp({ env: { LOGIN_MAX_FAILURES: "3" } });

describe("signing in", () => {
  it("sign-in says when the email or password is wrong, and when the account is locked", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Lee Locked");
    const page = await app.newPage();
    await page.goto("/#/signin");
    const alert = page.getByRole("alert");

    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await alert.getByText("Enter your email and password.").waitFor();

    await fillSignIn(page, customer.email, "not my password at all");
    await alert.getByText("The email or password is incorrect.").waitFor();
    await fillSignIn(page, "nobody.here@example.test", "not my password at all");
    await alert.getByText("The email or password is incorrect.").waitFor();

    await fillSignIn(page, customer.email, "still not my password");
    await alert.getByText("The email or password is incorrect.").waitFor();
    await fillSignIn(page, customer.email, "third wrong guess here");
    await alert.getByText(/This account is locked after too many failed sign-ins\. You can try again after \d{2}:\d{2}\./).waitFor();

    // The right password does not get past the lock either.
    await fillSignIn(page, customer.email, customer.password);
    await alert.getByText(/This account is locked/).waitFor();
    expect(page.url()).toContain("#/signin");
    await heading(page, "Sign in to DeskQL").waitFor();
  });
});

describe("signing out", () => {
  it("sign-out ends the session: a reload lands on sign-in and the old refresh cookie is refused", async () => {
    const page = await app.newPage();
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await heading(page, "Queue").waitFor();
    // A second session through the API, to look at the browser's from the outside.
    const apiSession = await app.t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(await browserSessions(apiSession.accessToken)).toHaveLength(1);

    const cookie = (await page.context().cookies()).find((c) => c.name === "deskql_refresh");
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/auth" });
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).not.toContain("deskql_refresh");

    await signOut(page);
    await heading(page, "Sign in to DeskQL").waitFor();
    expect((await page.context().cookies()).find((c) => c.name === "deskql_refresh")).toBeUndefined();

    await page.reload();
    await heading(page, "Sign in to DeskQL").waitFor();
    await page.goto("/#/admin/users");
    await heading(page, "Sign in to DeskQL").waitFor();
    expect(new URL(page.url()).hash).toBe("#/signin?next=%2Fadmin%2Fusers");

    // The server ended the session too: its refresh token is refused and it is no longer listed.
    const refresh = await app.t.http<{ errors: { extensions: { code: string } }[] }>("/auth/refresh", {
      method: "POST",
      headers: { "content-type": "application/json", cookie: `deskql_refresh=${cookie!.value}` },
      body: "{}",
    });
    expect(refresh.status).toBe(401);
    expect(refresh.body.errors[0]!.extensions.code).toBe("UNAUTHENTICATED");
    expect(await browserSessions(apiSession.accessToken)).toEqual([]);

    // Signing in again goes back to the page that was asked for.
    await fillSignIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await heading(page, "Users").waitFor();
  });
});

describe("your account", () => {
  it("lists where you are signed in and signs other devices out, whose tokens then stop working", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Sam Sessions"); // signs in once through the API
    const phone = await loginAs(customer.email, customer.password, IPHONE);
    const page = await app.newPage();
    await signIn(page, customer.email, customer.password);
    await heading(page, "My tickets").waitFor();
    await page.goto("/#/account");
    await heading(page, "Your account").waitFor();

    const devices = page.getByRole("list", { name: "Signed-in devices" });
    await expect.poll(() => devices.getByRole("listitem").count()).toBe(3);
    const current = devices.getByRole("listitem").filter({ hasText: "This device" });
    await current.getByText(/^Chrome Headless \d+ on Linux/).waitFor();
    // The current session is ended by the header's "Sign out", which also clears the cookie.
    expect(await current.getByRole("button").count()).toBe(0);

    const phoneRow = devices.getByRole("listitem").filter({ hasText: "on iOS" });
    const phoneName = (await phoneRow.locator(".device").innerText()).trim();
    await phoneRow.getByRole("button", { name: `Sign out ${phoneName}` }).click();
    await page.getByRole("status").filter({ hasText: `${phoneName} was signed out.` }).waitFor({ state: "attached" });
    await expect.poll(() => devices.getByRole("listitem").count()).toBe(2);
    // The server ended that session: its access token and its refresh token are refused.
    expect((await app.t.gql(`{ mySessions { id } }`, {}, phone.accessToken)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await app.t.gql(REFRESH, { t: phone.refreshToken })).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    await page.getByRole("button", { name: "Sign out all other devices" }).click();
    await page.getByRole("status").filter({ hasText: "1 other device was signed out." }).waitFor({ state: "attached" });
    await page.getByText("You are signed in on this device only.").waitFor();
    expect(app.log(page).dialogs).toEqual([
      { type: "confirm", message: `Sign out ${phoneName}?` },
      { type: "confirm", message: "Sign out the other device?" },
    ]);
    // This browser's session goes on.
    await page.reload();
    await heading(page, "Your account").waitFor();
    await expect.poll(() => devices.getByRole("listitem").count()).toBe(1);
  });
});

describe("email notifications", () => {
  it("a customer turns one email off; it stays off after a reload and on the server", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Nia Quiet");
    const page = await app.newPage();
    await signIn(page, customer.email, customer.password);
    await heading(page, "My tickets").waitFor();
    await page.goto("/#/account");
    const emails = page.getByRole("group", { name: "Email me when" });
    await emails.waitFor();
    // Customers are never assigned tickets nor mentioned, so those settings are not offered to them.
    expect(await emails.getByRole("checkbox").count()).toBe(3);
    const resolved = emails.getByRole("checkbox", { name: "A ticket I opened is resolved" });
    expect(await resolved.isChecked()).toBe(true);

    await resolved.uncheck();
    await page.getByRole("status").filter({ hasText: "Off: A ticket I opened is resolved." }).waitFor({ state: "attached" });
    await page.reload();
    await emails.waitFor();
    expect(await resolved.isChecked()).toBe(false);
    expect(await emails.getByRole("checkbox", { name: "An agent replies on a ticket I opened" }).isChecked()).toBe(true);

    const { accessToken } = await app.t.login(customer.email, customer.password);
    const stored = await app.t.gql<{ notificationPreferences: { ticketResolved: boolean; ticketReplies: boolean } }>(
      `{ notificationPreferences { ticketResolved ticketReplies } }`,
      {},
      accessToken,
    );
    expect(stored.data?.notificationPreferences).toEqual({ ticketResolved: false, ticketReplies: true });
  });
});

describe("API tokens", () => {
  it("an agent creates a token limited to reading, sees its secret once, uses it, and revokes it", async () => {
    const agent = await app.t.createUser("AGENT", "Ari Integrator");
    const page = await app.newPage();
    await signIn(page, agent.email, agent.password);
    await heading(page, "Queue").waitFor();
    await page.goto("/#/account");
    await heading(page, "Your account").waitFor();
    await page.getByText("You have no API tokens.").waitFor();

    const form = page.getByRole("form", { name: "New token" });
    // An agent is offered what agents may grant, not administration.
    expect(await form.getByRole("checkbox").count()).toBe(4);
    await form.getByRole("button", { name: "Create token" }).click();
    await form.getByText("Give the token a name.").waitFor();

    await form.getByLabel("Name").fill("Nightly export");
    await form.getByLabel("Expires after").selectOption({ label: "30 days" });
    await form.getByRole("checkbox", { name: "Read projects and issues" }).check();
    await form.getByRole("button", { name: "Create token" }).click();
    const secret = await page.getByRole("textbox", { name: "New token", exact: true }).inputValue();
    expect(secret).toMatch(/^hd_pat_/);

    const tokens = page.getByRole("list", { name: "API tokens" });
    const row = tokens.getByRole("listitem").filter({ hasText: "Nightly export" });
    await row.getByText(secret.slice(0, 10)).waitFor();
    await row.getByText("Read tickets and their comments · Read projects and issues").waitFor();

    // The secret works as a bearer token, within its scopes.
    const read = await app.t.gql<{ tickets: { totalCount: number } }>(`{ tickets(first: 1) { totalCount } }`, {}, secret);
    expect(read.errors).toBeUndefined();
    const write = await app.t.gql(`mutation { createProject(input: { key: "NOPE", name: "Not allowed" }) { id } }`, {}, secret);
    expect(write.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    await row.getByRole("button", { name: "Revoke Nightly export" }).click();
    await page.getByRole("status").filter({ hasText: 'The token "Nightly export" was revoked.' }).waitFor({ state: "attached" });
    await page.getByText("You have no API tokens.").waitFor();
    expect(app.log(page).dialogs).toEqual([{ type: "confirm", message: 'Revoke the token "Nightly export"? Anything using it stops working at once.' }]);
    expect((await app.t.gql(`{ tickets(first: 1) { totalCount } }`, {}, secret)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }`;

/** Signs in through the API as a browser with `userAgent` would. */
async function loginAs(email: string, password: string, userAgent: string): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await app.t.http<{ data?: { login: { accessToken: string; refreshToken: string } }; errors?: unknown }>("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": userAgent },
    body: JSON.stringify({ query: `mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }`, variables: { i: { email, password } } }),
  });
  if (!res.body.data) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data.login;
}

describe("administration", () => {
  it("an admin changes an agent's role, and the agent gets the new access on their next page load", async () => {
    const agent = await app.t.createUser("AGENT", "Jordan Fielding");
    const agentPage = await app.newPage();
    await signIn(agentPage, agent.email, agent.password);
    await heading(agentPage, "Queue").waitFor();
    const agentNav = agentPage.getByRole("navigation", { name: "Main" });
    await expect(agentNav.getByRole("link", { name: "Users" }).count()).resolves.toBe(0);

    const admin = await app.newPage();
    await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
    await navigate(admin, "Users");
    await heading(admin, "Users").waitFor();
    await admin.getByRole("search", { name: "Filter users" }).getByLabel("Search").fill("Jordan Fielding");
    await admin.keyboard.press("Enter");
    const users = admin.getByRole("list", { name: "Users" });
    await expect.poll(() => users.getByRole("listitem").count()).toBe(1);

    const role = admin.getByRole("combobox", { name: "Role of Jordan Fielding" });
    expect(await role.inputValue()).toBe("AGENT");
    await role.selectOption({ label: "Admin" });
    await admin.getByRole("status").filter({ hasText: "Jordan Fielding is now Admin." }).waitFor({ state: "attached" });
    expect(app.log(admin).dialogs).toEqual([{ type: "confirm", message: "Change Jordan Fielding's role from Agent to Admin?" }]);
    await admin.reload();
    await expect.poll(() => admin.getByRole("combobox", { name: "Role of Jordan Fielding" }).inputValue()).toBe("ADMIN");

    // The agent's next page load picks up the new role from the server.
    await agentPage.reload();
    await heading(agentPage, "Queue").waitFor();
    await agentNav.getByRole("link", { name: "Users" }).waitFor();
    await agentPage.getByRole("banner").getByText("Admin", { exact: true }).waitFor();

    // And the change is on the record.
    await navigate(admin, "Audit trail");
    await heading(admin, "Audit trail").waitFor();
    await admin.getByLabel("Action").selectOption({ label: "Role changed" });
    // Targets show by name (AuditEvent.targetLabel), linked to the user's page.
    const event = admin.getByRole("list", { name: "Audit events" }).getByRole("listitem").filter({ has: admin.getByRole("link", { name: "Jordan Fielding" }) });
    await event.first().waitFor();
    await event.first().getByText("Role changed").waitFor();
    app.keep(admin);
  });
});

/** The admin's sessions opened by a browser (the API's own have no user agent). */
async function browserSessions(token: string): Promise<{ id: string; userAgent: string | null }[]> {
  const res = await app.t.gql<{ mySessions: { id: string; userAgent: string | null }[] }>(MY_SESSIONS, {}, token);
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.mySessions.filter((s) => /Chrome/.test(s.userAgent ?? ""));
}

const MY_SESSIONS = `{ mySessions { id userAgent current } }`;
