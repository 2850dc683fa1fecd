import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { AppConfig } from "../../config.js";
import { RateLimitedError } from "../../core/errors.js";
import type { LimiterStore } from "../rate-limit/limiter-store.js";

export type AccountEmailKind = "verification" | "password-reset" | "sign-in-link";

/**
 * Budgets for requests that send email: per address (or account) and kind, so nobody can flood
 * a mailbox, and per IP across kinds, so nobody can spray many mailboxes. Keyed by the address
 * as typed whether or not an account has it, so the limit reveals nothing either.
 */
export class AccountEmailLimits {
  private readonly perAddress: Record<AccountEmailKind, RateLimiterAbstract>;
  private readonly perIp: RateLimiterAbstract;

  constructor(config: AppConfig["account"], store: LimiterStore) {
    const hour = 3600;
    this.perAddress = {
      verification: store.limiter("account-mail:verification", config.emailsPerHour, hour),
      "password-reset": store.limiter("account-mail:password-reset", config.emailsPerHour, hour),
      "sign-in-link": store.limiter("account-mail:sign-in-link", config.emailsPerHour, hour),
    };
    this.perIp = store.limiter("account-mail:ip", config.emailsPerIpPerHour, hour);
  }

  /**
   * Counts a mail the server sent on its own (the verification mail of a registration) against
   * the address's budget for its kind, never refusing it: resends then get what is left.
   */
  async count(kind: AccountEmailKind, address: string): Promise<void> {
    await this.perAddress[kind].penalty(address, 1);
  }

  /** Takes one mail from the address's hourly budget if any is left; false (and nothing sent) when spent. */
  async allow(kind: AccountEmailKind, address: string): Promise<boolean> {
    try {
      await this.perAddress[kind].consume(address);
      return true;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return false;
      throw rejection;
    }
  }

  async consume(kind: AccountEmailKind, address: string, ip: string): Promise<void> {
    try {
      await this.perIp.consume(ip);
      await this.perAddress[kind].consume(address);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      throw rejection;
    }
  }
}
