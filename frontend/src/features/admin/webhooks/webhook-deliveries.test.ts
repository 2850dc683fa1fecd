import { describe, expect, it } from "vitest";
import { describeLastAttempt, prettyJson, requestHeaders } from "./webhook-deliveries.ts";

describe("webhook delivery details", () => {
  it("says how the last attempt went", () => {
    expect(describeLastAttempt({ status: "PENDING", attempts: 0 })).toBe("Not attempted yet");
    expect(describeLastAttempt({ status: "DELIVERED", attempts: 1, responseStatus: 204, durationMs: 12 })).toBe("HTTP 204 in 12 ms");
    expect(describeLastAttempt({ status: "PENDING", attempts: 2, responseStatus: null, durationMs: 10_000, error: "no answer within 10000 ms" })).toBe(
      "no answer within 10000 ms in 10000 ms",
    );
  });

  it("shows the request's webhook-id, which every attempt repeats", () => {
    expect(requestHeaders("evt-1")).toContainEqual(["webhook-id", "evt-1"]);
  });

  it("indents JSON bodies and leaves anything else alone", () => {
    expect(prettyJson('{"type":"webhook.ping"}')).toBe('{\n  "type": "webhook.ping"\n}');
    expect(prettyJson("not json")).toBe("not json");
  });
});
