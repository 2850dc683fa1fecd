/**
 * The time as the business rules see it: token and session expiry, lockouts, statistics
 * windows. Resolvers pass `services.clock.now()` into services, so tests replace or advance
 * `services.clock` to cross an expiry instead of sleeping through it. Timers (polling,
 * retries) and JWT `exp` checks keep real time.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
