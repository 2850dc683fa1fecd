import { GraphQLError, Kind, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from "graphql";

export const SINGLE_MUTATION_MESSAGE = "A mutation request runs one mutation; send each as its own request.";

/**
 * A mutation operation selects one root field (besides `__typename`), counted through fragments
 * and inline fragments. graphql-js runs a document's mutations one after another and keeps those
 * that succeeded, while a refusal such as a rate limit or bad input can answer the whole request
 * with `data: null`: the client would be told nothing happened while earlier fields had written.
 * One mutation per request is one write that succeeds or fails whole.
 *
 * Reported with code BAD_USER_INPUT, which Apollo's validation wrapper replaces with
 * GRAPHQL_VALIDATION_FAILED; the error formatter restores it (error-formatting.ts).
 */
export const singleMutationRule: ValidationRule = (context: ValidationContext) => ({
  OperationDefinition(operation) {
    if (operation.operation !== "mutation") return;
    const fields = rootResponseKeys(context, operation.selectionSet, new Set());
    if (fields.size <= 1) return;
    context.reportError(
      new GraphQLError(`${SINGLE_MUTATION_MESSAGE} This one selects ${fields.size}: ${[...fields].join(", ")}.`, {
        nodes: [operation],
        extensions: { code: "BAD_USER_INPUT" },
      }),
    );
  },
});

/**
 * The response keys of the root fields, as execution would collect them (fields with the same
 * key merge into one), whatever @skip/@include would decide. Each fragment is expanded once,
 * which also ends cycles (NoFragmentCyclesRule reports them beside this rule).
 */
function rootResponseKeys(context: ValidationContext, selectionSet: SelectionSetNode, expanded: Set<FragmentDefinitionNode>, keys = new Set<string>()): Set<string> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== "__typename") keys.add((selection.alias ?? selection.name).value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      rootResponseKeys(context, selection.selectionSet, expanded, keys);
    } else {
      const fragment = context.getFragment(selection.name.value);
      if (!fragment || expanded.has(fragment)) continue;
      expanded.add(fragment);
      rootResponseKeys(context, fragment.selectionSet, expanded, keys);
    }
  }
  return keys;
}
