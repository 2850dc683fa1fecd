import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import ResetPassword from "../../src/features/auth/ResetPassword.svelte";
import { fakeApi, graphqlError } from "../support/fake-api.ts";

const token = "hd_pr_abc123";

describe("Reset-password page", () => {
  it("shows the password rules and does not submit until they are met", async () => {
    const api = fakeApi({});
    render(ResetPassword, { params: { token } });
    const user = userEvent.setup();

    await user.type(screen.getByLabelText("New password"), "short");
    await user.click(screen.getByRole("button", { name: "Set new password" }));

    expect(screen.getByRole("list", { name: "Password requirements" })).toHaveTextContent("At least 12 characters (not met)");
    expect(screen.getByLabelText("New password")).toHaveAttribute("aria-invalid", "true");
    expect(api.requests).toHaveLength(0);
  });

  it("sends the token and new password, then offers to sign in", async () => {
    const api = fakeApi({ ResetPassword: { body: { data: { resetPassword: true } } } });
    render(ResetPassword, { params: { token } });
    const user = userEvent.setup();

    await user.type(screen.getByLabelText("New password"), "a long enough passphrase");
    await user.click(screen.getByRole("button", { name: "Set new password" }));

    expect(await screen.findByRole("status")).toHaveTextContent("Your password has been changed");
    expect(screen.getByRole("link", { name: "Sign in with your new password" })).toHaveAttribute("href", "#/signin");
    expect(api.to("ResetPassword")[0]?.body.variables).toEqual({ token, newPassword: "a long enough passphrase" });
  });

  it("explains an expired link and offers a new one", async () => {
    fakeApi({
      ResetPassword: graphqlError("BAD_USER_INPUT", "This link has expired: it worked for 1 hour. Ask for a new one.", { field: "token", reason: "EXPIRED" }),
    });
    render(ResetPassword, { params: { token } });
    const user = userEvent.setup();

    await user.type(screen.getByLabelText("New password"), "a long enough passphrase");
    await user.click(screen.getByRole("button", { name: "Set new password" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("This link has expired: it worked for 1 hour.");
    expect(screen.getByRole("link", { name: "Request a new reset link" })).toHaveAttribute("href", "#/forgot-password");
  });
});
