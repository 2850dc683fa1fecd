import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailTo, tokenIn, waitForMail } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";

// Runs on both databases. On MariaDB two requests back to back each read "no live link" in
// their own snapshot, and the older link kept working (4 of 8 sign-in links, 6 of 8 resets).
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ env: { RATE_LIMIT_ACCOUNT_EMAILS_PER_IP_PER_HOUR: "1000", RATE_LIMIT_ACCOUNT_EMAILS_PER_HOUR: "1000" } });
});
afterAll(() => t?.close());

const FLOWS = [
  { name: "sign-in links", request: "requestSignInLink", kind: "SIGN_IN_LINK", prefix: "hd_sl_", use: (token: string) => t.gql(SIGN_IN, { token }) },
  { name: "password resets", request: "requestPasswordReset", kind: "PASSWORD_RESET", prefix: "hd_pr_", use: (token: string) => t.gql(RESET, { token, p: "a brand new passphrase 42" }) },
] as const;

async function tokensAfter(email: string, kind: string, prefix: string, count: number): Promise<string[]> {
  await waitForMail(t, email, kind, count);
  return (await mailTo(t, email, kind)).map((mail) => tokenIn(mail, prefix)); // newest first
}

describe.each(FLOWS)("$name", ({ request, kind, prefix, use }) => {
  it("requested back to back, only the newest link works (8 trials)", async () => {
    for (let trial = 0; trial < 8; trial++) {
      const user = await t.createUser();
      const ask = `mutation($email: String!) { ${request}(email: $email) }`;
      expect((await t.gql(ask, { email: user.email })).errors).toBeUndefined();
      expect((await t.gql(ask, { email: user.email })).errors).toBeUndefined();
      const [newest, older] = await tokensAfter(user.email, kind, prefix, 2);
      expect((await use(older!)).errors?.[0]?.extensions?.reason, `trial ${trial}: the older link`).toBe("REPLACED");
      expect((await use(newest!)).errors, `trial ${trial}: the newest link`).toBeUndefined();
    }
  });

  it("requested concurrently, exactly one link works", async () => {
    for (let trial = 0; trial < 4; trial++) {
      const user = await t.createUser();
      const ask = `mutation($email: String!) { ${request}(email: $email) }`;
      await Promise.all([t.gql(ask, { email: user.email }), t.gql(ask, { email: user.email }), t.gql(ask, { email: user.email })]);
      // Oldest first: a reset voids the other links once used, so the newest goes last.
      const tokens = (await tokensAfter(user.email, kind, prefix, 3)).reverse();
      const results = [];
      for (const token of tokens) results.push(await use(token));
      expect(results.filter((r) => !r.errors), `trial ${trial}`).toHaveLength(1);
      expect(results.filter((r) => r.errors).map((r) => r.errors![0]!.extensions!.reason)).toEqual(["REPLACED", "REPLACED"]);
    }
  });
});

const SIGN_IN = `mutation($token: String!) { signInWithLink(token: $token) { accessToken } }`;
const RESET = `mutation($token: String!, $p: String!) { resetPassword(token: $token, newPassword: $p) }`;
