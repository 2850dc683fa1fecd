import type { AppConfig } from "../../config.js";
import { AppError } from "../../core/errors.js";

/**
 * Domains an OIDC provider is configured to require (OIDC_PROVIDERS, `ssoRequired`): their people
 * sign in at their identity provider only, so a password, a sign-in link or a password reset is
 * refused before anything else is checked. It depends on the address's domain alone, so the
 * refusal reveals nothing about whether an account exists.
 */
export function assertPasswordSignInAllowed(config: Pick<AppConfig, "sso">, email: string, field?: string): void {
  const provider = requiredProviderFor(config, email);
  if (!provider) return;
  throw new AppError("FORBIDDEN", `Your organisation signs in with ${provider.name}: use the "Sign in with ${provider.name}" button.`, {
    extensions: { reason: "SSO_REQUIRED", provider: provider.id, ...(field ? { field } : {}) },
    logLevel: "info",
  });
}

/** The provider that must be used for `email`, if any. */
export function requiredProviderFor(config: Pick<AppConfig, "sso">, email: string): AppConfig["sso"]["providers"][number] | undefined {
  const domain = email.trim().toLowerCase().split("@").pop() ?? "";
  return config.sso.providers.find((p) => p.ssoRequired && p.allowedDomains.includes(domain));
}
