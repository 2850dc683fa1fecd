import { describe, expect, it } from "vitest";
import { tokenIn, waitForMail } from "../support/mailbox.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD, DEFAULT_PASSWORD } from "../support/server.js";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, signIn } from "./support/session.steps.js";

// A provider for the sign-in buttons; it is never contacted here (tests/integration/sso runs the flow against a real one).
const OIDC_PROVIDERS = JSON.stringify([{ id: "acme", name: "Acme ID", issuer: "http://127.0.0.1:9/", clientId: "deskql", allowedDomains: ["acme.test"] }]);
const app = useE2EApp({ env: { OIDC_PROVIDERS } });

describe("invitations", () => {
  it("an admin invites a colleague, who opens the mailed link, sets a password and lands signed in", async () => {
    const email = `ines.${Date.now()}@example.test`;
    const admin = await app.newPage();
    await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
    await admin.goto("/#/admin/users");
    await heading(admin, "Users").waitFor();

    const form = admin.getByRole("form", { name: "Invite someone" });
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Role").selectOption("AGENT");
    await form.getByRole("button", { name: "Send invitation" }).click();
    const open = admin.getByRole("list", { name: "Open invitations" });
    await open.getByText(email, { exact: true }).waitFor();
    expect(await axeViolations(admin)).toEqual([]);

    // The invitee's own browser, with the link from the mail.
    const mail = await waitForMail(app.t, email, "INVITATION");
    const invitee = await app.newPage();
    await invitee.goto(`/#/invitation/${tokenIn(mail, "hd_iv_")}`);
    await heading(invitee, "Accept your invitation").waitFor();
    await invitee.getByText(email, { exact: true }).waitFor();
    expect(await axeViolations(invitee)).toEqual([]);

    await invitee.getByLabel("Your name").fill("Ines Invited");
    await invitee.getByLabel("Password", { exact: true }).fill(DEFAULT_PASSWORD);
    await invitee.getByRole("button", { name: "Create account and sign in" }).click();
    // An agent's home is the queue; a reload keeps the session (the refresh cookie).
    await heading(invitee, "Queue").waitFor();
    await invitee.reload();
    await heading(invitee, "Queue").waitFor();
    const cookie = (await invitee.context().cookies()).find((c) => c.name === "deskql_refresh");
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict" });

    // The spent link says why it no longer works.
    const again = await app.newPage();
    await again.goto(`/#/invitation/${tokenIn(mail, "hd_iv_")}`);
    await again.getByRole("alert").getByText("This invitation was already accepted. Sign in instead.").waitFor();
    expect(await axeViolations(again)).toEqual([]);

    // Accepted, it leaves the admin's list of open invitations.
    await admin.reload();
    await heading(admin, "Users").waitFor();
    await admin.getByText("No open invitations.").waitFor();
    app.keep(invitee);
  });

  it("an admin reactivates a deactivated user from the users screen", async () => {
    const user = await app.t.createUser("CUSTOMER", "Rae Reactivated");
    await app.t.gql(`mutation($id: ID!) { deactivateUser(userId: $id) { id } }`, { id: user.id }, await app.t.adminToken());
    const admin = await app.newPage();
    await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
    await admin.goto(`/#/admin/users?q=${encodeURIComponent(user.email)}`);
    await admin.getByRole("button", { name: "Reactivate Rae Reactivated" }).click();
    await admin.getByRole("status").getByText("Rae Reactivated was reactivated and emailed.").waitFor({ state: "attached" });
    await admin.getByRole("button", { name: "Deactivate Rae Reactivated" }).waitFor();
    await app.t.login(user.email, user.password);
  });

  it("the sign-in page offers single sign-on and says why the last one failed", async () => {
    const page = await app.newPage();
    await page.goto("/#/signin?sso_error=SSO_EMAIL_UNVERIFIED");
    const button = page.getByRole("link", { name: "Sign in with Acme ID" });
    await button.waitFor();
    expect(await button.getAttribute("href")).toBe("/auth/oidc/acme/start");
    await page.getByRole("alert").getByText("Your identity provider has not verified your email address, so it cannot be used to sign in here.").waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });
});
