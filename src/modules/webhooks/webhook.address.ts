import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/**
 * The server-side request forgery guard: a webhook URL must be https (http only with
 * WEBHOOK_ALLOW_HTTP) and every address its host resolves to public, unless
 * WEBHOOK_ALLOW_PRIVATE_NETWORKS or WEBHOOK_ALLOWED_NETWORKS say otherwise. The address checked
 * is the one connected to (webhook.http.ts), so a DNS answer that changes in between (rebinding)
 * cannot redirect the request.
 */
export interface AddressPolicy {
  allowHttp: boolean;
  allowPrivateNetworks: boolean;
  allowedNetworks: readonly string[];
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

export class UnsafeWebhookUrl extends Error {}

// Special-purpose ranges (IANA registries): loopback, private, shared, link-local (cloud
// metadata at 169.254.169.254), documentation, benchmarking, multicast, reserved.
const NON_PUBLIC = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.88.99.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24],
  ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) NON_PUBLIC.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 127], ["64:ff9b::", 96], ["64:ff9b:1::", 48], ["100::", 64], ["2001::", 23], ["2001:db8::", 32], ["2002::", 16],
  ["fc00::", 7], ["fe80::", 10], ["fec0::", 10], ["ff00::", 8],
] as const) NON_PUBLIC.addSubnet(net, bits, "ipv6");

function allowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split("/");
    const type = isIP(address!) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(bits), type);
  }
  return list;
}

/** An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is. */
function normalized(address: string): { address: string; type: "ipv4" | "ipv6" } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, type: "ipv4" };
  return { address, type: isIP(address) === 6 ? "ipv6" : "ipv4" };
}

export class AddressGuard {
  private readonly allowed: BlockList;

  constructor(
    private readonly policy: AddressPolicy,
    /** Replaceable in tests, like the clock: a DNS answer the test decides. */
    public resolve: Resolver = systemResolver,
  ) {
    this.allowed = allowList(policy.allowedNetworks);
  }

  /** The URL's syntax and scheme; throws UnsafeWebhookUrl with a reason a form can show. */
  parse(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new UnsafeWebhookUrl("is not a valid URL");
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && this.policy.allowHttp)) {
      throw new UnsafeWebhookUrl(this.policy.allowHttp ? "must use https or http" : "must use https");
    }
    if (url.username || url.password) throw new UnsafeWebhookUrl("must not carry a user name or password");
    if (raw.length > 2000) throw new UnsafeWebhookUrl("must be at most 2,000 characters");
    return url;
  }

  isPermitted(address: string): boolean {
    const { address: a, type } = normalized(address);
    if (this.policy.allowPrivateNetworks || this.allowed.check(a, type)) return true;
    return !NON_PUBLIC.check(a, type);
  }

  /** Resolves the URL's host and checks every address; returns the one to connect to. */
  async check(raw: string): Promise<CheckedTarget> {
    const url = this.parse(raw);
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    let addresses: { address: string; family: number }[];
    if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
    else {
      try {
        addresses = await this.resolve(host);
      } catch {
        throw new UnsafeWebhookUrl(`host "${host}" does not resolve`);
      }
    }
    if (!addresses.length) throw new UnsafeWebhookUrl(`host "${host}" does not resolve`);
    // Every answer, not only the first: a name that also points inside must not pass.
    const refused = addresses.find((a) => !this.isPermitted(a.address));
    if (refused) throw new UnsafeWebhookUrl(`resolves to ${refused.address}, which is not a public address`);
    const chosen = addresses[0]!;
    return { url, address: chosen.address, family: chosen.family === 6 ? 6 : 4 };
  }
}
