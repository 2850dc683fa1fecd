import { HeaderMap, type ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, Kind, OperationTypeNode, print, type OperationDefinitionNode } from "graphql";
import { AppError } from "../core/errors.js";
import { IdempotencyStore, type Claim } from "../modules/idempotency/idempotency.store.js";
import type { Context } from "./context.js";
import { permissions } from "./permissions.js";

const HEADER = "idempotency-key";

/** The root fields a mutation selects directly (fragments at the root count as unknown). */
function rootFields(operation: OperationDefinitionNode): string[] | null {
  const names: string[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return null;
    if (selection.name.value !== "__typename") names.push(selection.name.value);
  }
  return names;
}

const refuse = (message: string) => new GraphQLError(message, { extensions: { code: "BAD_REQUEST", http: { status: 400 } } });

/** An AppError as a GraphQL error that ends the request with its HTTP status (422, 409, 400). */
const asRequestError = (error: unknown) =>
  error instanceof AppError ? new GraphQLError(error.message, { originalError: error, extensions: { ...error.extensions, http: { status: error.status } } }) : error;

/**
 * `Idempotency-Key` for the mutations declared with `idempotent()` in their modules' rules
 * (creations, bulk changes), after the IETF httpapi draft, once for all of them:
 * - the first request with a key records it (unique per caller and key, in the database, so it
 *   holds across replicas) and runs; its successful response is stored for IDEMPOTENCY_KEY_HOURS;
 * - a retry with the same key and the same request (mutation text, variables, caller) gets the
 *   stored response without running again (header `Idempotent-Replayed: true`);
 * - the same key with another request: IDEMPOTENCY_KEY_MISMATCH (HTTP 422); while the first is
 *   still running: IDEMPOTENCY_KEY_IN_USE (HTTP 409);
 * - a first request that fails is not stored (the draft leaves error replay to the server; we
 *   free the key so the client can retry the same request after fixing the cause);
 * - the header on a query or on a mutation that does not accept it is refused with BAD_REQUEST.
 * Anonymous callers get no idempotency (no idempotent mutation lets them through anyway).
 */
export function idempotencyPlugin(store: IdempotencyStore): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      const header = request.http?.headers.get(HEADER);
      if (header === undefined) return;
      let claim: Promise<Claim> | undefined;
      return {
        async didResolveOperation({ operation, document, contextValue: ctx }) {
          if (operation?.operation !== OperationTypeNode.MUTATION) throw refuse("The Idempotency-Key header applies to mutations only; leave it off queries.");
          const fields = rootFields(operation);
          const field = fields?.length === 1 ? fields[0]! : null;
          if (!field || !permissions.idempotentMutations.has(field)) {
            throw refuse(`${field ?? "This mutation"} does not accept an Idempotency-Key. Mutations that do: ${[...permissions.idempotentMutations].sort().join(", ")}.`);
          }
          const viewer = ctx.viewer;
          if (!viewer) return; // the permission rules answer UNAUTHENTICATED
          try {
            const key = IdempotencyStore.parseKey(header);
            const fingerprint = IdempotencyStore.fingerprint(viewer, { query: request.query ?? print(document), operationName: request.operationName, variables: request.variables });
            claim = store.claim(viewer, key, fingerprint, ctx.clock);
            await claim;
          } catch (error) {
            throw asRequestError(error);
          }
        },
        async responseForOperation() {
          const claimed = claim && (await claim);
          if (claimed?.kind !== "replay") return null;
          return { http: { status: undefined, headers: new HeaderMap([["idempotent-replayed", "true"]]) }, body: { kind: "single", singleResult: JSON.parse(claimed.response) } };
        },
        async willSendResponse({ response }) {
          const claimed = await claim?.catch(() => undefined);
          if (claimed?.kind !== "first") return;
          const result = response.body.kind === "single" ? response.body.singleResult : undefined;
          if (result && !result.errors?.length && result.data) await store.complete(claimed.id, JSON.stringify({ data: result.data }));
          else await store.release(claimed.id);
        },
      };
    },
  };
}
