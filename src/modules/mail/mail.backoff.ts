/**
 * Delay before the next attempt after `failures` failed ones: base · 2^(failures−1), capped at
 * `maxMs`, minus up to 10% jitter so that messages failed by one relay outage do not all
 * retry in the same instant.
 */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30);
  const capped = Math.min(exponential, maxMs);
  return Math.round(capped * (1 - 0.1 * random()));
}
