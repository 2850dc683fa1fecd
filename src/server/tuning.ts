import type { FastifyInstance } from "fastify";
import type { GraphQLSchema } from "graphql";

/**
 * What the benchmark changes in a server to measure its parts (bench/server-child.ts builds it).
 * Production passes none: every cache on, the guarded schema, no extra routes.
 */
export interface ServerTuning {
  /** false: no verified-token, session, parsed-document or token-count caches (the caches-off ablation). */
  caches?: boolean;
  /** Builds the schema instead of the guarded one (the benchmark's schema without graphql-shield). */
  schema?: () => Promise<GraphQLSchema>;
  /** Routes of the benchmark's own, behind the same TLS, hooks, security headers and compression as /graphql. */
  routes?: (app: FastifyInstance) => void;
}
