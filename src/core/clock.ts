/**
 * The time as the business rules see it: SLA clocks, token and session expiry, lockouts,
 * statistics windows. There is one per process (`services.clock`); every request scope carries
 * it, so tests replace or advance it to cross an expiry instead of sleeping through it. Timers
 * (polling, retries) and JWT `exp` checks keep real time.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
