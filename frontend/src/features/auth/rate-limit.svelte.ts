import { ApiError } from "../../lib/api/api-error.ts";

/**
 * Counts down a RATE_LIMITED answer's `extensions.retryAfter` so a form can stay disabled
 * and say how long is left, instead of inviting more rejected attempts.
 */
export class RetryCountdown {
  secondsLeft = $state(0);
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Starts counting if `error` is a rate limit; returns whether it was. */
  startFrom(error: unknown): boolean {
    if (!(error instanceof ApiError)) return false;
    const entry = error.errors.find((e) => e.extensions?.code === "RATE_LIMITED");
    const seconds = Math.ceil(Number(entry?.extensions?.retryAfter));
    if (!entry || !Number.isFinite(seconds) || seconds <= 0) return false;
    this.stop();
    const until = Date.now() + seconds * 1000;
    this.secondsLeft = seconds;
    this.#timer = setInterval(() => {
      this.secondsLeft = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      if (this.secondsLeft === 0) this.stop();
    }, 1000);
    return true;
  }

  get active(): boolean {
    return this.secondsLeft > 0;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
