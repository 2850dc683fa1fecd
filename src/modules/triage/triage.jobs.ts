import { defineJob, type JobDefinition } from "../../core/jobs.js";
import type { TriageService } from "./triage.service.js";

/**
 * Retrains the built-in triage model from the desk's resolved tickets. One unit per run (keyed by
 * the hour), so two replicas starting it at once train once each only if they each run it: the
 * model lives in each process, and the unit's key keeps a second run within the hour a no-op.
 */
export function triageTrainJob(triage: TriageService): JobDefinition<{ hour: string }> {
  return defineJob<{ hour: string }>({
    name: "triage.train",
    description: "Retrains the built-in triage model (categories, priorities, similar tickets) from the desk's resolved tickets.",
    schedule: "23 * * * *",
    async units(scope) {
      const hour = scope.clock.now().toISOString().slice(0, 13);
      return [{ key: `train:${hour}`, data: { hour } }];
    },
    async run(scope, _unit, { dryRun }) {
      if (dryRun) return "would retrain the triage model";
      const size = await triage.retrain(scope.clock.now());
      return `learned from ${size} resolved ticket(s)`;
    },
  });
}
