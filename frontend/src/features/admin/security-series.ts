/** The security dashboard's buckets as chart points: hours for a day or less, days beyond. */

export interface SecurityBucket {
  start: string;
  successfulLogins: number;
  failedLogins: number;
  lockouts: number;
  rateLimitHits: number;
}

export interface SeriesPoint {
  label: string;
  longLabel: string;
  values: Record<string, number>;
}

const KEYS = ["successfulLogins", "failedLogins", "lockouts", "rateLimitHits"] as const;

export function securitySeries(buckets: readonly SecurityBucket[], byDay: boolean): SeriesPoint[] {
  const groups = new Map<string, { start: Date; values: Record<string, number> }>();
  for (const bucket of buckets) {
    const start = new Date(bucket.start);
    const key = byDay ? start.toLocaleDateString() : bucket.start;
    const group = groups.get(key) ?? { start, values: Object.fromEntries(KEYS.map((k) => [k, 0])) };
    for (const k of KEYS) group.values[k] = (group.values[k] ?? 0) + bucket[k];
    groups.set(key, group);
  }
  return [...groups.values()].map(({ start, values }) => ({
    label: byDay ? start.toLocaleDateString(undefined, { day: "numeric", month: "short" }) : start.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" }),
    longLabel: byDay ? start.toLocaleDateString(undefined, { dateStyle: "full" }) : start.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }),
    values,
  }));
}
