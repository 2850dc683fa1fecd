import { Cron } from "croner";
import { z } from "zod";

/**
 * JOBS_SCHEDULES: a JSON object from job name to a cron expression (croner syntax, 5 or 6
 * fields) or "off", e.g. {"tickets.auto-close":"*\/30 * * * *","events.purge":"off"}. Jobs not
 * named keep their default schedule.
 */
export function parseJobSchedules(value: string | undefined, ctx: z.RefinementCtx): Record<string, string> {
  if (!value) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    ctx.addIssue({ code: "custom", message: 'must be a JSON object such as {"tickets.auto-close":"0 * * * *","events.purge":"off"}' });
    return z.NEVER;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    ctx.addIssue({ code: "custom", message: "must be a JSON object from job name to a cron expression or \"off\"" });
    return z.NEVER;
  }
  const schedules: Record<string, string> = {};
  for (const [name, cron] of Object.entries(parsed)) {
    if (typeof cron !== "string") {
      ctx.addIssue({ code: "custom", message: `${name}: must be a cron expression or "off"` });
      continue;
    }
    if (cron !== "off") {
      try {
        new Cron(cron, { paused: true }).stop();
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `${name}: "${cron}" is not a cron expression (${error instanceof Error ? error.message : String(error)})` });
        continue;
      }
    }
    schedules[name] = cron;
  }
  return schedules;
}
