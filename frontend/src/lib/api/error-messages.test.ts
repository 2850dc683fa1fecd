import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.ts";
import { describeError, describeErrors, errorField, formatWait } from "./error-messages.ts";

const gql = (code: string | undefined, message: string, extensions: Record<string, unknown> = {}) =>
  new ApiError("graphql", [{ message, extensions: code ? { code, ...extensions } : extensions }]);

describe("describeError", () => {
  const now = new Date("2030-01-01T09:00:00.000Z");

  it("tells a locked-out user when they can try again", () => {
    const error = gql("ACCOUNT_LOCKED", "locked", { lockedUntil: "2030-01-01T09:30:00.000Z" });
    const until = new Date("2030-01-01T09:30:00.000Z").toLocaleString(undefined, { timeStyle: "short" });

    expect(describeError(error, now)).toBe(`This account is locked after too many failed sign-ins. You can try again after ${until}.`);
  });

  it("includes the date when the lockout ends on another day", () => {
    const error = gql("ACCOUNT_LOCKED", "locked", { lockedUntil: "2030-01-03T09:30:00.000Z" });

    expect(describeError(error, now)).toContain(new Date("2030-01-03T09:30:00.000Z").toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }));
  });

  it("says how long to wait after a rate limit", () => {
    expect(describeError(gql("RATE_LIMITED", "x", { retryAfter: 42 }))).toBe("Too many attempts. Please wait 42 seconds and try again.");
    expect(describeError(gql("RATE_LIMITED", "x", { retryAfter: 61 }))).toBe("Too many attempts. Please wait 2 minutes and try again.");
  });

  it("passes on the server's sentence for bad credentials", () => {
    expect(describeError(gql("UNAUTHENTICATED", "The email or password is incorrect."))).toBe("The email or password is incorrect.");
  });

  it("turns a bare server phrase into a sentence", () => {
    expect(describeError(gql("BAD_USER_INPUT", "subject is required"))).toBe("Subject is required.");
  });

  it("never shows raw JSON or stack traces from the server", () => {
    const json = gql("BAD_USER_INPUT", '{"field":"input.email","problem":"x"}');
    const stack = gql("NOT_FOUND", "TypeError: x is undefined\n    at resolve (ticket.service.ts:12:5)");

    expect(describeError(json)).toBe("Some of the information entered is not valid. Check the form and try again.");
    expect(describeError(stack)).toBe("That item does not exist or is no longer available to you.");
  });

  it("hides masked internal errors behind a fixed sentence", () => {
    expect(describeError(gql("INTERNAL_SERVER_ERROR", "Unexpected error."))).toBe(
      "Something went wrong on the server. Please try again in a moment.",
    );
    expect(describeError(gql(undefined, "Cannot read properties of undefined"))).toBe(
      "Something went wrong on the server. Please try again in a moment.",
    );
  });

  it("asks for a reload when the app and the server disagree about the schema", () => {
    expect(describeError(gql("GRAPHQL_VALIDATION_FAILED", 'Cannot query field "x" on type "Ticket".'))).toBe(
      "This version of the app does not match the server. Reload the page to update it.",
    );
  });

  it("explains a query the server found too expensive", () => {
    expect(describeError(gql("QUERY_TOO_COMPLEX", "Query cost 90000 exceeds 50000."))).toBe(
      "That asks the server for too much at once. Narrow the filters or show fewer items.",
    );
  });

  it("explains forbidden actions and invalid transitions", () => {
    expect(describeError(gql("FORBIDDEN", "Not allowed"))).toBe("You do not have permission to do that.");
    expect(describeError(gql("INVALID_TRANSITION", "x", { currentStatus: "CLOSED" }))).toBe(
      'That status change is not possible from "Closed". Reload to see the current state.',
    );
  });

  it("describes network and HTTP failures", () => {
    expect(describeError(new ApiError("network"))).toBe("Cannot reach the DeskQL server. Check your connection and try again.");
    expect(describeError(new ApiError("http", [], 502))).toBe("The DeskQL server had a problem (HTTP 502). Please try again in a moment.");
    expect(describeError(new ApiError("http", [], 413))).toBe("That is too large to send. Shorten it and try again.");
  });

  it("falls back to a sentence for errors that are not from the API", () => {
    expect(describeError(new Error("boom"))).toBe("Something went wrong in the app. Reload the page and try again.");
    expect(describeError("weird")).toBe("Something went wrong in the app. Reload the page and try again.");
  });
});

describe("describeErrors", () => {
  it("lists each distinct problem once", () => {
    const error = new ApiError("graphql", [
      { message: "Subject is required.", extensions: { code: "BAD_USER_INPUT" } },
      { message: "Subject is required.", extensions: { code: "BAD_USER_INPUT" } },
      { message: "Description is required.", extensions: { code: "BAD_USER_INPUT" } },
    ]);
    expect(describeErrors(error)).toEqual(["Subject is required.", "Description is required."]);
  });
});

describe("errorField", () => {
  it("names the input field the server complained about", () => {
    expect(errorField(gql("BAD_USER_INPUT", "Enter a valid email address.", { field: "input.email" }))).toBe("input.email");
    expect(errorField(new Error("x"))).toBeUndefined();
  });
});

describe("formatWait", () => {
  it("uses seconds under a minute and minutes above", () => {
    expect(formatWait(1)).toBe("1 second");
    expect(formatWait(59.2)).toBe("1 minute");
    expect(formatWait(60)).toBe("1 minute");
    expect(formatWait(NaN)).toBe("a moment");
  });
});
