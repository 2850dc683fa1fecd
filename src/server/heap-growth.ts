import { setFlagsFromString } from "node:v8";

/**
 * How far V8 lets the old generation grow past what survived the last full collection before it
 * collects again. By default V8 picks up to 4x for a process that allocates fast, which under load
 * took this server from a ~70 MB live heap to 300 MB and more of mostly garbage (bench/RESULTS.md).
 * A fixed factor keeps memory proportional to what is actually live, for a few percent of CPU
 * time in more frequent collections; unlike --max-old-space-size it sets no ceiling that a burst
 * of large requests could hit. 0 leaves V8's own heuristics.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
