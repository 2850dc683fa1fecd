import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const dir = mkdtempSync(join(tmpdir(), "deskql-oidc-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const problemsOf = (providers: unknown): string[] => {
  try {
    loadConfig({ OIDC_PROVIDERS: typeof providers === "string" ? providers : JSON.stringify(providers) });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
};

const okta = { id: "okta", name: "Acme Okta", issuer: "https://acme.okta.test", clientId: "deskql" };

describe("OIDC_PROVIDERS", () => {
  it("defaults to no providers, and fills in each provider's defaults", () => {
    expect(loadConfig({}).sso.providers).toEqual([]);
    expect(loadConfig({ OIDC_PROVIDERS: JSON.stringify([{ ...okta, allowedDomains: ["Acme.TEST"] }]) }).sso.providers).toEqual([
      { ...okta, clientSecret: null, allowedDomains: ["acme.test"], defaultRole: "CUSTOMER", ssoRequired: false, scopes: "openid email profile", allowHttp: false },
    ]);
  });

  it("reads a client secret from a file, and the whole list from OIDC_PROVIDERS_FILE", () => {
    const secret = join(dir, "secret");
    writeFileSync(secret, "s3cret\n");
    const list = join(dir, "providers.json");
    writeFileSync(list, JSON.stringify([{ ...okta, clientSecretFile: secret }]));
    expect(loadConfig({ OIDC_PROVIDERS_FILE: list }).sso.providers[0]).toMatchObject({ id: "okta", clientSecret: "s3cret" });
  });

  it("refuses what would not work or would be unsafe, naming the problem", () => {
    expect(problemsOf("not json")[0]).toMatch(/OIDC_PROVIDERS: must be a JSON array/);
    expect(problemsOf([{ ...okta, issuer: "http://idp.example.test" }])[0]).toMatch(/issuer must be an https URL/);
    expect(loadConfig({ OIDC_PROVIDERS: JSON.stringify([{ ...okta, issuer: "http://127.0.0.1:8080" }]) }).sso.providers[0]!.allowHttp).toBe(true);
    expect(problemsOf([{ ...okta, ssoRequired: true }])[0]).toMatch(/ssoRequired needs allowedDomains/);
    expect(problemsOf([okta, okta])[0]).toMatch(/listed twice/);
    expect(problemsOf([{ ...okta, clientSecretFile: join(dir, "missing") }])[0]).toMatch(/cannot read clientSecretFile/);
    expect(problemsOf([{ ...okta, id: "Not OK" }])[0]).toMatch(/\[0\.id\]/);
  });
});
