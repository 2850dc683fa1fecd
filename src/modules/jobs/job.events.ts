/** Job administration (an admin starting a run). ADMIN visibility; the audit trail records it. */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** An admin started a job run by hand (target: the JobRun). */
    "job.started": { jobName: string; dryRun: boolean };
  }
}

export {};
