import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";

/**
 * Whether the field being resolved selects `name` directly (through inline fragments and named
 * fragments too), so a resolver can fetch it with the rest: a list's `totalCount` counted in the
 * page's own statement. Directives are not evaluated: a field under `@skip` counts as selected,
 * which costs at most the work the client did not need.
 */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  return info.fieldNodes.some((node) => node.selectionSet !== undefined && inSelection(node.selectionSet, name, info, 0));
}

function inSelection(set: SelectionSetNode, name: string, info: GraphQLResolveInfo, depth: number): boolean {
  // Fragments may not form cycles (validation refuses them); the bound only guards this walk.
  if (depth > 10) return false;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === name) return true;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (inSelection(selection.selectionSet, name, info, depth + 1)) return true;
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment && inSelection(fragment.selectionSet, name, info, depth + 1)) return true;
    }
  }
  return false;
}
