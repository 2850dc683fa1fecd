import type { Measurement } from "./measure.js";

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** The median of one figure over a scenario's runs. */
export const medianOf = (runs: Measurement[], pick: (m: Measurement) => number | null): number =>
  median(runs.map(pick).filter((x): x is number => x !== null));
