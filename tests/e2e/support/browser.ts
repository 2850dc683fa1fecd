import { createHash, X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium (CI: `apt-get install -y chromium`); playwright-core never downloads one. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function assertChromiumInstalled(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  throw new Error(
    `Chromium is not installed at ${CHROMIUM_PATH}. Install Debian's build with \`apt-get install -y chromium\` ` +
      "(or point CHROMIUM_PATH at a Chromium binary); the e2e tests never download a browser.",
  );
}

/** base64(sha256(SubjectPublicKeyInfo)): the form `--ignore-certificate-errors-spki-list` takes. */
export function spkiHash(certPem: Buffer | string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}

/**
 * Starts a headless Chromium that trusts exactly the test server's self-signed certificate
 * (generated per run), rather than ignoring every certificate error: pages stay a secure
 * context, so Secure cookies and the Web Locks API behave as they do in production.
 */
export async function launchChromium(trustedCertPem: Buffer): Promise<Browser> {
  assertChromiumInstalled();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--ignore-certificate-errors-spki-list=${spkiHash(trustedCertPem)}`,
    ],
  });
}
