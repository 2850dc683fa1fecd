import { createServer } from "node:net";
import { generateSync } from "otplib";
import type { CDPSession, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { fillSignIn, heading, signIn, signOut } from "./support/session.steps.js";

/** A free port, known before the server starts: WebAuthn binds passkeys to the page's origin (WEBAUTHN_ORIGINS defaults to PUBLIC_URL's). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const app = useE2EApp({ env: { PORT: String(port), PUBLIC_URL: `https://localhost:${port}` } });

/**
 * A platform authenticator that verifies its user, in the browser itself (the DevTools
 * protocol's WebAuthn domain): it creates and signs with real credentials, without a prompt.
 */
async function addVirtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, authenticatorId };
}

const codeNow = (secret: string, offsetSeconds = 0) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });

describe("two-factor authentication in the browser", () => {
  it("sets up an authenticator app with its recovery codes, then signs in with a code", async () => {
    const user = await app.t.createUser("CUSTOMER", "Tess Totp");
    const page = await app.newPage();
    await signIn(page, user.email, user.password);
    await page.goto("/#/account");
    await page.getByRole("heading", { name: "Two-factor authentication" }).waitFor();
    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    await page.getByRole("img", { name: "QR code to add DeskQL to an authenticator app" }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    const secret = ((await page.getByLabel("Setup key").textContent()) ?? "").replace(/\s/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const codeField = page.getByLabel("Code from the app");
    expect(await codeField.getAttribute("autocomplete")).toBe("one-time-code");
    expect(await codeField.getAttribute("inputmode")).toBe("numeric");
    await codeField.fill(codeNow(secret));
    await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();

    const codes = page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    const download = page.getByRole("link", { name: "Download as .txt" });
    expect(await download.getAttribute("download")).toBe("deskql-recovery-codes.txt");
    expect(decodeURIComponent((await download.getAttribute("href")) ?? "")).toContain((await codes.first().textContent())!.trim());
    await page.getByRole("button", { name: "I have saved them" }).click();
    await page.getByText("On. Signing in with your password").waitFor();

    await signOut(page);
    await page.goto("/#/signin");
    await fillSignIn(page, user.email, user.password);
    await heading(page, "Two-factor authentication").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    // The code just used at enrolment cannot be replayed; the next step's code works.
    await page.getByLabel("Code from your authenticator app").fill(codeNow(secret, 30));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL((url) => url.hash.startsWith("#/tickets"));
  });

  it("reminds a user whose role requires a second factor, then has them enrol before signing in", async () => {
    const admin = await app.t.adminToken();
    const policy = `mutation($g: Int!) { setSecondFactorPolicy(role: AGENT, required: true, graceDays: $g) { role } }`;
    expect((await app.t.gql(policy, { g: 3 }, admin)).errors).toBeUndefined();
    const agent = await app.t.createUser("AGENT", "Ari Agent");
    try {
      const page = await app.newPage();
      await signIn(page, agent.email, agent.password);
      await page.getByRole("status").getByText("Your role requires two-factor authentication.").waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await signOut(page);

      // The grace period is over: the password leads to the enrolment, which completes the sign-in.
      expect((await app.t.gql(policy, { g: 0 }, admin)).errors).toBeUndefined();
      await page.goto("/#/signin");
      await fillSignIn(page, agent.email, agent.password);
      await heading(page, "Set up two-factor authentication").waitFor();
      const secret = ((await page.getByLabel("Setup key").textContent()) ?? "").replace(/\s/g, "");
      expect(await axeViolations(page)).toEqual([]);
      await page.getByLabel("Code from the app").fill(codeNow(secret));
      await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
      await page.getByRole("list", { name: "Recovery codes" }).waitFor();
      await page.getByRole("button", { name: "I have saved them" }).click();
      await page.waitForURL((url) => url.hash.startsWith("#/queue"));
    } finally {
      await app.t.gql(policy.replace("required: true", "required: false"), { g: 7 }, admin);
    }
  });

  it("lets a user whose role requires a second factor enrol a passkey instead of an app", async () => {
    const admin = await app.t.adminToken();
    const policy = `mutation($required: Boolean!) { setSecondFactorPolicy(role: AGENT, required: $required, graceDays: 0) { role } }`;
    expect((await app.t.gql(policy, { required: true }, admin)).errors).toBeUndefined();
    try {
      const agent = await app.t.createUser("AGENT", "Kim Key");
      const page = await app.newPage();
      const { cdp, authenticatorId } = await addVirtualAuthenticator(page);
      await page.goto("/#/signin");
      await fillSignIn(page, agent.email, agent.password);
      await heading(page, "Set up two-factor authentication").waitFor();
      await page.getByLabel("Passkey name").fill("Desk key");
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole("button", { name: "Create a passkey" }).click();
      // The account had no recovery codes: ten are shown once, then the sign-in completes.
      const codes = page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
      await codes.first().waitFor();
      expect(await codes.count()).toBe(10);
      await page.getByRole("button", { name: "I have saved them" }).click();
      await page.waitForURL((url) => url.hash.startsWith("#/queue"));
      expect((await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials).toHaveLength(1);

      const audit = await app.t.gql(
        `query($id: ID!) { auditEvents(first: 5, filter: { actorId: $id, actions: [SECOND_FACTOR_ENABLED, PASSKEY_REGISTERED] }) { nodes { action details } } }`,
        { id: agent.id },
        admin,
      );
      expect(audit.data!.auditEvents.nodes).toEqual(
        expect.arrayContaining([
          { action: "SECOND_FACTOR_ENABLED", details: { method: "passkey" } },
          { action: "PASSKEY_REGISTERED", details: { name: "Desk key" } },
        ]),
      );
    } finally {
      await app.t.gql(policy, { required: false }, admin);
    }
  });

  it("registers a passkey, signs in with it without a password and as a second factor, and removes it", async () => {
    const user = await app.t.createUser("CUSTOMER", "Pat Passkey");
    const page = await app.newPage();
    const { cdp, authenticatorId } = await addVirtualAuthenticator(page);
    await signIn(page, user.email, user.password);
    await page.goto("/#/account");
    await page.getByLabel("Passkey name").fill("Work laptop");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    const list = page.getByRole("list", { name: "Your passkeys" });
    await list.getByText("Work laptop").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);

    // Passwordless: the discoverable passkey names the account.
    await signOut(page);
    await page.goto("/#/signin");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.waitForURL((url) => url.hash.startsWith("#/tickets"));

    // After a password, the passkey is the second factor.
    await signOut(page);
    await page.goto("/#/signin");
    await fillSignIn(page, user.email, user.password);
    await heading(page, "Two-factor authentication").waitFor();
    await page.getByRole("button", { name: "Use a passkey" }).click();
    await page.waitForURL((url) => url.hash.startsWith("#/tickets"));

    await page.goto("/#/account");
    await page.getByRole("button", { name: "Remove passkey Work laptop" }).click();
    await page.getByText("No passkeys yet.").waitFor();

    // The authenticator still holds it, but the desk no longer accepts it.
    await signOut(page);
    await page.goto("/#/signin");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.getByRole("alert").getByText("This passkey did not sign in.", { exact: false }).waitFor();
    expect(page.url()).toContain("#/signin");
    // Without a second factor left, the password alone signs in again.
    await fillSignIn(page, user.email, user.password);
    await page.waitForURL((url) => url.hash.startsWith("#/tickets"));
  });
});
