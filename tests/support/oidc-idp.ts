import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPairSync } from "node:crypto";
import Provider, { type Adapter, type AdapterPayload, type Configuration, type JWK } from "oidc-provider";

export interface IdpAccount {
  email: string;
  email_verified: boolean;
  name?: string;
}

/**
 * A real OpenID Connect provider for the tests: the certified `oidc-provider` package on its own
 * loopback HTTP server. Its login and consent step is completed through its interaction API for
 * the account the test names in `nextAccount` (as a person at the provider's login page would).
 */
export class TestIdp {
  readonly accounts = new Map<string, IdpAccount>();
  /** Who "signs in" at the provider in the next authorization request. */
  nextAccount: string | null = null;
  readonly clientId = "deskql-test";
  readonly clientSecret = "a test client secret that is long enough";
  private provider: Provider | null = null;
  private handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
  ) {}

  /** Listens first, so the desk can be configured with the issuer; `register` adds the desk as a client. */
  static async listen(): Promise<TestIdp> {
    let idp: TestIdp | null = null;
    const server = createServer((req, res) => {
      if (!idp?.handler) {
        res.statusCode = 503;
        res.end("not ready");
        return;
      }
      if (req.url?.startsWith("/interaction/")) {
        idp.interact(req, res).catch((error: unknown) => {
          res.statusCode = 500;
          res.end(String(error));
        });
        return;
      }
      idp.handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    idp = new TestIdp(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return idp;
  }

  register(redirectUris: string[]): void {
    const accounts = this.accounts;
    const configuration: Configuration = {
      clients: [
        {
          client_id: this.clientId,
          client_secret: this.clientSecret,
          redirect_uris: redirectUris,
          grant_types: ["authorization_code"],
          response_types: ["code"],
          token_endpoint_auth_method: "client_secret_post",
        },
      ],
      async findAccount(_ctx, sub) {
        const account = accounts.get(sub);
        if (!account) return undefined;
        return { accountId: sub, claims: async () => ({ sub, ...account }) };
      },
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
      // The desk reads the email from the ID token, as most providers send it there.
      conformIdTokenClaims: false,
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      cookies: { keys: ["a test cookie signing key"] },
      jwks: { keys: [generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }) as JWK] },
      adapter: MemoryAdapter,
    };
    this.provider = new Provider(this.issuer, configuration);
    this.handler = this.provider.callback();
  }

  /** Completes login and consent for `nextAccount`. */
  private async interact(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const provider = this.provider!;
    const details = await provider.interactionDetails(req, res);
    const accountId = this.nextAccount;
    if (!accountId) throw new Error("the test named no account to sign in");
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The provider's state (sessions, codes, grants) in memory: stated, so it does not warn that its default is for development. */
const stored = new Map<string, AdapterPayload>();
class MemoryAdapter implements Adapter {
  constructor(private readonly model: string) {}
  private key(id: string): string {
    return `${this.model}:${id}`;
  }
  async upsert(id: string, payload: AdapterPayload): Promise<void> {
    stored.set(this.key(id), payload);
  }
  async find(id: string): Promise<AdapterPayload | undefined> {
    return stored.get(this.key(id));
  }
  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return [...stored.values()].find((p) => p.userCode === userCode);
  }
  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return [...stored.entries()].find(([k, p]) => k.startsWith(`${this.model}:`) && p.uid === uid)?.[1];
  }
  async consume(id: string): Promise<void> {
    const payload = stored.get(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string): Promise<void> {
    stored.delete(this.key(id));
  }
  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [k, p] of stored) if (p.grantId === grantId) stored.delete(k);
  }
}

/** A browser's cookies for one site, enough to follow a provider's redirects by hand. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(setCookie: string[] | string | undefined): void {
    for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}
