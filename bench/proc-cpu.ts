import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** CPU accounting from /proc (Linux), in milliseconds; null where /proc cannot tell. */

let ticks: number | undefined;
function msPerTick(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return 1000 / ticks;
}

/** User + system time a process has used. */
export function processCpuMs(pid: number): number | null {
  try {
    // Fields after the command name: utime and stime are the 12th and 13th (man 5 proc).
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * msPerTick();
  } catch {
    return null;
  }
}

/** Busy time of all CPUs together (everything but idle and iowait), to spot other load on the machine. */
export function systemBusyMs(): number | null {
  try {
    const [, ...values] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = values.map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) * msPerTick();
  } catch {
    return null;
  }
}
