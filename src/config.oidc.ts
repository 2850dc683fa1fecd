import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * OIDC_PROVIDERS: the OpenID Connect identity providers people may sign in with (src/modules/sso),
 * as a JSON array. Read by config.ts only (nothing else reads the environment). A client secret
 * may come from a file (`clientSecretFile`), as other secrets do, and the whole list from
 * OIDC_PROVIDERS_FILE.
 */
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)[a-z0-9-]+(\.[a-z0-9-]+)+$/, "must be a domain like example.com");

const provider = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "must be 1-32 lower-case letters, digits or dashes"),
    name: z.string().trim().min(1).max(60),
    issuer: z.string().url(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional(),
    clientSecretFile: z.string().min(1).optional(),
    /** Email domains whose people may sign in here; accounts are created just in time only for these. */
    allowedDomains: z.array(domain).default([]),
    /** The role of accounts created just in time (an invitation's role wins). */
    defaultRole: z.enum(["CUSTOMER", "AGENT", "ADMIN"]).default("CUSTOMER"),
    /** People of allowedDomains must sign in here: no password, sign-in link or password reset. */
    ssoRequired: z.boolean().default(false),
    scopes: z.string().default("openid email profile"),
  })
  .strict();

export interface OidcProviderConfig {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  allowedDomains: string[];
  defaultRole: "CUSTOMER" | "AGENT" | "ADMIN";
  ssoRequired: boolean;
  scopes: string;
  /** Plain http is accepted for loopback issuers only (development and tests). */
  allowHttp: boolean;
}

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

export function parseOidcProviders(value: string | undefined, ctx: z.RefinementCtx): OidcProviderConfig[] {
  if (value === undefined) return [];
  const fail = (message: string) => {
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return fail("must be a JSON array of providers (see docs/operations.md, Single sign-on)");
  }
  const parsed = z.array(provider).safeParse(json);
  if (!parsed.success) return fail(parsed.error.issues.map((i) => `[${i.path.join(".")}] ${i.message}`).join("; "));
  const out: OidcProviderConfig[] = [];
  for (const p of parsed.data) {
    const url = new URL(p.issuer);
    const allowHttp = url.protocol === "http:" && LOOPBACK.has(url.hostname);
    if (url.protocol !== "https:" && !allowHttp) return fail(`provider "${p.id}": issuer must be an https URL`);
    if (p.clientSecret && p.clientSecretFile) return fail(`provider "${p.id}": set clientSecret or clientSecretFile, not both`);
    let clientSecret = p.clientSecret ?? null;
    if (p.clientSecretFile) {
      try {
        clientSecret = readFileSync(p.clientSecretFile, "utf8").replace(/[\r\n]+$/, "") || null;
      } catch (error) {
        return fail(`provider "${p.id}": cannot read clientSecretFile ${p.clientSecretFile} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
    }
    if (p.ssoRequired && !p.allowedDomains.length) return fail(`provider "${p.id}": ssoRequired needs allowedDomains`);
    if (out.some((o) => o.id === p.id)) return fail(`provider "${p.id}" is listed twice`);
    const { clientSecretFile: _file, ...rest } = p;
    out.push({ ...rest, clientSecret, allowHttp });
  }
  return out;
}
