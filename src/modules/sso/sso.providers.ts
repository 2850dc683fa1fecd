import * as oidc from "openid-client";
import type { OidcProviderConfig } from "../../config.oidc.js";

/** How long a discovery or token request to an identity provider may take, in seconds. */
const PROVIDER_TIMEOUT_SECONDS = 10;

/**
 * Each provider's openid-client configuration, discovered from its issuer on first use (not at
 * start: a provider that is down must not keep the desk from starting) and kept with its JWKS.
 * A failed discovery is forgotten, so the next sign-in tries again.
 */
export class OidcClients {
  private readonly discovered = new Map<string, Promise<oidc.Configuration>>();

  get(provider: OidcProviderConfig): Promise<oidc.Configuration> {
    let config = this.discovered.get(provider.id);
    if (!config) {
      // No secret: a public client, protected by PKCE alone.
      const auth = provider.clientSecret ? oidc.ClientSecretPost(provider.clientSecret) : oidc.None();
      config = oidc.discovery(new URL(provider.issuer), provider.clientId, provider.clientSecret ?? undefined, auth, {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        ...(provider.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
      config.catch(() => {
        if (this.discovered.get(provider.id) === config) this.discovered.delete(provider.id);
      });
      this.discovered.set(provider.id, config);
    }
    return config;
  }
}
