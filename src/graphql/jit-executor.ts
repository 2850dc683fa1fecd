import type { GatewayExecutor, GatewayInterface } from "@apollo/server-gateway-interface";
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema, type SourceLocation } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import { LRUCache } from "lru-cache";

/**
 * Executes operations with graphql-jit: each document that recurs is compiled once into a
 * JavaScript function that reads plain fields directly and only awaits where a resolver returns
 * a promise, instead of graphql-js walking the selection set for every object of every request.
 * On the agent queue (Q1 in bench/) graphql-js's own execution machinery was about a fifth of
 * the CPU time.
 *
 * Apollo Server parses, validates (our depth, alias and cost limits included) and runs its
 * plugins as usual; only execution is swapped, through the "gateway" interface, which is Apollo's
 * supported hook for that. A document graphql-jit cannot compile runs on graphql-js, and so does
 * a request whose variables do not coerce, so that error reads exactly as graphql-js words it
 * (Apollo answers BAD_USER_INPUT for it).
 */
export function jitGateway(schema: GraphQLSchema, options: { maxDocuments: number }): GatewayInterface {
  const compiled = new LRUCache<string, CompiledQuery | "graphql-js">({ max: options.maxDocuments });
  const seenOnce = new LRUCache<string, true>({ max: options.maxDocuments * 4 });

  // A document is compiled the second time it is seen. Compiling costs more than executing once
  // (about 1 ms for the agent queue, 10-25 ms for an introspection query), and clients repeat
  // their documents while a stream of one-off documents is what an attacker would send.
  const compile = (document: DocumentNode, source: string, operationName: string | undefined): CompiledQuery | "graphql-js" => {
    const key = `${operationName ?? ""}\u0000${source}`;
    let entry = compiled.get(key);
    if (!entry) {
      if (!seenOnce.has(key)) {
        seenOnce.set(key, true);
        return "graphql-js";
      }
      const result = compileQuery(schema, document, operationName, { disableLeafSerialization: false });
      entry = isCompiledQuery(result) ? result : "graphql-js";
      compiled.set(key, entry);
    }
    return entry;
  };

  const executor: GatewayExecutor = async (requestContext) => {
    const { document, source, request, context } = requestContext;
    // What the client asked for: requestContext.operationName is the operation Apollo resolved, unset when none matched.
    const operationName = request.operationName ?? undefined;
    const viaGraphqlJs = () => execute({ schema, document, contextValue: context, variableValues: request.variables, operationName }) as Promise<ExecutionResult>;
    const query = compile(document, source, operationName);
    if (query === "graphql-js") return viaGraphqlJs();
    const result = await query.query(undefined, context, request.variables ?? {});
    // No data at all means the variables did not coerce (resolvers never ran): let graphql-js word it.
    if (result.errors?.length && !("data" in result && result.data !== undefined)) return viaGraphqlJs();
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : (result as ExecutionResult);
  };

  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => {};
    },
    async stop() {},
  };
}

/**
 * graphql-jit reports errors with a lighter class of its own (no `extensions` object unless the
 * cause had one, which Apollo's error pipeline expects); the rest of the server sees graphql-js's.
 */
function asGraphQLError(error: { message: string; path?: readonly (string | number)[]; locations?: readonly SourceLocation[]; originalError?: Error | null; extensions?: Record<string, unknown> }): GraphQLError {
  const converted = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions });
  if (error.locations?.length) Object.assign(converted, { locations: error.locations });
  return converted;
}
