import { idempotent, rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAdmin } from "../../graphql/rules.js";

/** Job administration: admins signed in (not API tokens: no scope covers running the desk's jobs). */
const administration = rootField({ rule: isAdmin, scope: "session" });

export const jobRules: ModuleRules = {
  Query: { jobs: administration, jobRuns: administration },
  Mutation: { startJob: idempotent(administration) },
  // Reachable only through the fields above.
  Job: { "*": allow },
  JobRun: { "*": allow },
  JobRunConnection: { "*": allow },
  JobRunEdge: { "*": allow },
};
