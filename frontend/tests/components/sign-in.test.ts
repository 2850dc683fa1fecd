import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import SignIn from "../../src/features/auth/SignIn.svelte";
import SignUp from "../../src/features/auth/SignUp.svelte";
import { auth } from "../../src/lib/auth/auth.svelte.ts";
import { router } from "../../src/lib/router/router.svelte.ts";
import { agent, fakeApi, graphqlError } from "../support/fake-api.ts";

async function signIn(email = "alex@example.com", password = "a long enough passphrase") {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("Email"), email);
  await user.type(screen.getByLabelText("Password"), password);
  await user.click(screen.getByRole("button", { name: "Sign in" }));
  return user;
}

describe("Sign-in page", () => {
  afterEach(() => {
    auth.expire();
    auth.dismissNotice();
  });

  it("signs in and goes to the agent's queue", async () => {
    fakeApi({ Login: { body: { data: { login: { accessToken: "t", expiresIn: 900, user: agent } } } } });
    render(SignIn);

    await signIn();

    expect(auth.user?.displayName).toBe("Alex Agent");
    expect(router.path).toBe("/queue");
  });

  it("says the credentials are wrong in the server's words", async () => {
    fakeApi({ Login: graphqlError("UNAUTHENTICATED", "The email or password is incorrect.") });
    render(SignIn);

    await signIn();

    expect(await screen.findByRole("alert")).toHaveTextContent("The email or password is incorrect.");
  });

  it("shows when a locked account can sign in again", async () => {
    const lockedUntil = "2030-06-01T14:30:00.000Z";
    fakeApi({ Login: graphqlError("ACCOUNT_LOCKED", "locked", { lockedUntil }) });
    render(SignIn);

    await signIn();

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("This account is locked after too many failed sign-ins.");
    expect(alert).toHaveTextContent(new Date(lockedUntil).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }));
    expect(alert).not.toHaveTextContent("{");
  });

  it("holds the form back while rate limited and says for how long", async () => {
    fakeApi({ Login: graphqlError("RATE_LIMITED", "Too many attempts.", { retryAfter: 30 }) });
    render(SignIn);

    await signIn();

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Too many attempts. Please wait 30 seconds and try again.");
    expect(alert).toHaveTextContent("You can try again in 30 s.");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeDisabled();
  });

  it("shows why the user was sent back to sign in", () => {
    auth.expire("Your session has ended. Please sign in again.");
    render(SignIn);

    expect(screen.getByRole("status")).toHaveTextContent("Your session has ended. Please sign in again.");
  });
});

describe("Sign-up page", () => {
  it("lists the password rules before anything is submitted", async () => {
    const api = fakeApi({});
    render(SignUp);
    const user = userEvent.setup();

    await user.type(screen.getByLabelText("Email"), "casey@example.com");
    await user.type(screen.getByLabelText("Password"), "casey-is-me");

    const rules = screen.getByRole("list", { name: "Password requirements" });
    expect(rules).toHaveTextContent("At least 12 characters (not met)");
    expect(rules).toHaveTextContent("Does not contain the part of your email before the @ (not met)");
    expect(rules).toHaveTextContent("At most 256 characters (met)");
    expect(api.requests).toHaveLength(0);
  });

  it("does not submit until the rules are met", async () => {
    const api = fakeApi({});
    render(SignUp);
    const user = userEvent.setup();

    await user.type(screen.getByLabelText("Email"), "casey@example.com");
    await user.type(screen.getByLabelText("Display name"), "Casey");
    await user.type(screen.getByLabelText("Password"), "short");
    await user.click(screen.getByRole("button", { name: "Create account" }));

    expect(api.requests).toHaveLength(0);
    expect(screen.getByLabelText("Password")).toHaveAttribute("aria-invalid", "true");
  });
});
