import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";

/**
 * type-graphql (patched, patches/) used to sort a resolver's parameter metadata on every call,
 * and a sort allocates: on the agent queue that was a tenth of the bytes allocated per request.
 * The order still follows the declared indexes, and the sorting happens once.
 */
it("type-graphql puts a resolver's parameters in order once, not on every call", async () => {
  // Not an exported path: found beside the package's CommonJS entry (build/cjs/index.js).
  const build = dirname(dirname(createRequire(import.meta.url).resolve("type-graphql")));
  const { getParams } = (await import(pathToFileURL(join(build, "esm/resolvers/helpers.js")).href)) as {
    getParams: (params: unknown[], resolverData: unknown, validate: boolean, validateFn: unknown) => unknown[];
  };
  let sorts = 0;
  class CountingArray<T> extends Array<T> {
    override sort(compare?: (a: T, b: T) => number): this {
      sorts++;
      return super.sort(compare);
    }
  }
  const params = CountingArray.from([
    { kind: "context", index: 1 },
    { kind: "root", index: 0 },
  ]) as CountingArray<object>;
  const data = { root: { id: "r" }, context: { who: "c" }, args: {}, info: {} };
  expect(getParams(params, data, false, undefined)).toEqual([{ id: "r" }, { who: "c" }]);
  expect(getParams(params, data, false, undefined)).toEqual([{ id: "r" }, { who: "c" }]);
  expect(sorts).toBe(1);
});
