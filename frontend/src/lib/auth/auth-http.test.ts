import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeApi, noSession, session } from "../../../tests/support/fake-api.ts";
import { requestRefresh } from "./auth-http.ts";

describe("requestRefresh", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("hands back the issued session", async () => {
    fakeApi({ "/auth/refresh": session() });
    expect(await requestRefresh()).toMatchObject({ ok: true, session: { accessToken: "access-1" } });
  });

  it("reads a refusal's code from the server's error envelope", async () => {
    fakeApi({ "/auth/refresh": noSession });
    expect(await requestRefresh()).toEqual({ ok: false, reason: "rejected", code: "UNAUTHENTICATED" });
  });

  it("treats a refusal it cannot read as rejected, without a code", async () => {
    fakeApi({ "/auth/refresh": { status: 401, body: "nope" } });
    expect(await requestRefresh()).toEqual({ ok: false, reason: "rejected", code: undefined });
  });
});
