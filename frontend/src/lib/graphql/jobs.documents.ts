import { graphql } from "./graphql.ts";

export const JobRunFields = graphql(`
  fragment JobRunFields on JobRun {
    id
    status
    trigger
    dryRun
    startedAt
    finishedAt
    total
    processed
    skipped
    errors
    report
  }
`);

export const JobsQuery = graphql(
  `
    query Jobs {
      jobs {
        name
        description
        schedule
        nextRunAt
        lastRuns {
          ...JobRunFields
        }
      }
    }
  `,
  [JobRunFields],
);

export const StartJobMutation = graphql(
  `
    mutation StartJob($name: String!, $dryRun: Boolean!) {
      startJob(name: $name, dryRun: $dryRun) {
        ...JobRunFields
      }
    }
  `,
  [JobRunFields],
);
