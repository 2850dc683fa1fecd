import { initGraphQLTada, type ResultOf, type VariablesOf } from "gql.tada";
import type { introspection } from "./generated/graphql-env.d.ts";

/**
 * The typed `graphql` tag: every document's result and variables types are inferred from the
 * schema introspection that `npm run codegen` writes to ./generated. No hand-written types.
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  // Fragments are plain field lists here: masking buys little in an app this size.
  disableMasking: true;
  scalars: {
    DateTimeISO: string;
    DateTime: string;
    JSONObject: Record<string, unknown>;
    JSON: unknown;
  };
}>();

export type { ResultOf, VariablesOf };
export type { FragmentOf, TadaDocumentNode } from "gql.tada";

/** A schema enum's values as a TypeScript union, e.g. `EnumOf<"TicketStatus">`. */
export type EnumOf<Name extends string> = ReturnType<typeof graphql.scalar<Name>>;
