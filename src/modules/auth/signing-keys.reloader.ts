import type { Logger } from "pino";
import { systemClock, type Clock } from "../../core/clock.js";
import type { SigningKeys } from "./signing-keys.js";

/**
 * Re-reads the keys folder every JWT_KEYS_RELOAD_SECONDS, so a running server starts signing
 * with a key `npm run keys:rotate` made (without waiting for a token with an unknown kid),
 * publishes it in the JWKS, and drops keys past their `verifyUntil`.
 */
export class SigningKeysReloader {
  private timer: NodeJS.Timeout | undefined;
  private clock: () => Clock = () => systemClock;

  constructor(
    private readonly keys: SigningKeys,
    private readonly intervalSeconds: number,
  ) {}

  /** `clock` is read at each reload, so a test that replaces `services.clock` retires keys by its time. */
  start(clock: () => Clock, logger?: Pick<Logger, "error" | "info">): void {
    this.stop();
    this.clock = clock;
    this.timer = setInterval(() => {
      this.reloadNow().catch((error) => logger?.error({ err: error }, "could not reload the JWT signing keys; keeping the loaded ones"));
    }, this.intervalSeconds * 1000);
    this.timer.unref();
  }

  async reloadNow(): Promise<void> {
    await this.keys.reload(this.clock().now());
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
