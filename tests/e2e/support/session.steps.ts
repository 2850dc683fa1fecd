import type { Page } from "playwright-core";
import { expect } from "vitest";

/** Signs in through the form and waits until the app has left the sign-in page. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/#/signin");
  await fillSignIn(page, email, password);
  await page.waitForURL((url) => !url.hash.startsWith("#/signin"));
}

/** Fills and submits the sign-in form, wherever it is showing, and waits for the server's answer. */
export async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  const answered = page.waitForResponse((r) => r.url().endsWith("/graphql") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await answered;
}

/** Signs out from the header (through the menu at phone width) and waits for the server to end the session. */
export async function signOut(page: Page): Promise<void> {
  // Exact: the account page also has "Sign out <device>" buttons.
  const button = page.getByRole("button", { name: "Sign out", exact: true });
  if (!(await button.isVisible())) await page.getByRole("button", { name: "Menu" }).click();
  const loggedOut = page.waitForResponse((r) => r.url().endsWith("/auth/logout"));
  await button.click();
  expect((await loggedOut).status()).toBe(200);
}

/** Opens a main navigation entry (through the menu at phone width). */
export async function navigate(page: Page, entry: string): Promise<void> {
  const nav = page.getByRole("navigation", { name: "Main" });
  const link = nav.getByRole("link", { name: entry, exact: true });
  if (!(await link.isVisible())) await page.getByRole("button", { name: "Menu" }).click();
  await link.click();
}

export function heading(page: Page, name: string) {
  return page.getByRole("heading", { level: 1, name, exact: true });
}

/** The status badge under the ticket's title, as the person reads it ("Open", "Resolved"...). */
export async function shownTicketStatus(page: Page): Promise<string> {
  return ((await page.locator("main header").filter({ has: page.getByRole("heading", { level: 1 }) }).locator(".status").textContent()) ?? "").trim();
}
