import { X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ConfigError, type AppConfig } from "../config.js";

/** A ConfigError: main.ts exits with 78 (EX_CONFIG) and the message, like any bad setting. */
export class TlsSetupError extends ConfigError {
  constructor(problem: string) {
    super([problem]);
    this.name = "TlsSetupError";
  }
}

/** Issued by itself: a development certificate (ours or anyone's), which no browser trusts. */
function isSelfSigned(pem: Buffer): boolean {
  try {
    const cert = new X509Certificate(pem);
    return cert.issuer === cert.subject && cert.verify(cert.publicKey);
  } catch {
    return false; // not a certificate we can read: TLS itself will say so
  }
}

/**
 * The certificate and key the HTTPS server presents. When neither file exists and self-signed
 * certificates are allowed (development, or ALLOW_SELF_SIGNED_TLS in production), a localhost
 * certificate is generated in place, so a fresh clone starts over HTTPS with no setup.
 */
export async function loadTlsCredentials(tls: AppConfig["tls"]): Promise<{ key: Buffer; cert: Buffer; generated: boolean }> {
  const haveCert = existsSync(tls.certFile);
  const haveKey = existsSync(tls.keyFile);
  if (haveCert !== haveKey) {
    throw new TlsSetupError(`TLS_CERT_FILE/TLS_KEY_FILE: found only one of ${tls.certFile} and ${tls.keyFile}: provide both, or neither to generate a development certificate.`);
  }
  if (haveCert) {
    const cert = await readFile(tls.certFile);
    // A certificate generated during development and left in ssl/ must not go live unnoticed.
    if (!tls.allowSelfSigned && isSelfSigned(cert)) {
      throw new TlsSetupError(`TLS_CERT_FILE: ${tls.certFile} is self-signed. In production provide a certificate issued by a CA, or set ALLOW_SELF_SIGNED_TLS=true to accept it.`);
    }
    return { cert, key: await readFile(tls.keyFile), generated: false };
  }
  if (!tls.allowSelfSigned) {
    throw new TlsSetupError(
      `TLS_CERT_FILE: no TLS certificate at ${tls.certFile}. In production provide TLS_CERT_FILE and TLS_KEY_FILE, or set ALLOW_SELF_SIGNED_TLS=true to generate one.`,
    );
  }
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 1);
  // Loaded only to generate a certificate: selfsigned brings its X.509 and ASN.1 libraries.
  const { generate } = await import("selfsigned");
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "rsa",
    keySize: 2048,
    algorithm: "sha256",
    notAfterDate: notAfter,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }] },
    ],
  } as Parameters<typeof generate>[1]);
  await mkdir(dirname(tls.certFile), { recursive: true });
  await mkdir(dirname(tls.keyFile), { recursive: true });
  await writeFile(tls.keyFile, pems.private, { mode: 0o600 });
  await writeFile(tls.certFile, pems.cert, { mode: 0o644 });
  return { cert: Buffer.from(pems.cert), key: Buffer.from(pems.private), generated: true };
}
