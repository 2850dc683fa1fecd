import { createRequire } from "node:module";
import type { KubeObject } from "./kustomize.js";

/**
 * Validates a manifest against the Kubernetes API's JSON schemas, as compiled by the npm package
 * kubernetes-models (its version pins the Kubernetes release: 4.5.1 is 1.32).
 *
 * Those schemas, like the API's OpenAPI document, allow fields they do not define, while kubectl
 * and the API server reject them (field validation is Strict by default since 1.27): a misspelt
 * `readinesProbe` would pass and then fail at `kubectl apply`. So every object is validated
 * behind a proxy that records which fields the schema looked at; a field it never read is one
 * the API does not know.
 */

type ValidationError = Error & { errors?: { instancePath: string; message?: string }[] };
type ModelClass = { prototype: { validate(this: unknown): void } };

const require = createRequire(import.meta.url);

function modelOf(object: KubeObject): ModelClass | undefined {
  // "v1" -> kubernetes-models/v1; "apps/v1" -> kubernetes-models/apps/v1
  let models: Record<string, ModelClass>;
  try {
    models = require(`kubernetes-models/${object.apiVersion}`) as Record<string, ModelClass>;
  } catch {
    return undefined;
  }
  return models[object.kind];
}

/** Problems with the object: schema violations and fields the API does not define; [] when valid. */
export function schemaProblems(object: KubeObject): string[] {
  const model = modelOf(object);
  if (!model) return [`${object.apiVersion} ${object.kind} is not a Kubernetes API type`];

  const read = new WeakMap<object, Set<string>>();
  const watch = (value: unknown): unknown => {
    if (value === null || typeof value !== "object") return value;
    const seen = read.get(value) ?? new Set<string>();
    read.set(value, seen);
    return new Proxy(value, {
      get(target, key, receiver) {
        if (typeof key === "string") seen.add(key);
        return watch(Reflect.get(target, key, receiver));
      },
      // Maps such as labels or ConfigMap data are checked key by key: every key counts as read.
      ownKeys(target) {
        const keys = Reflect.ownKeys(target);
        for (const key of keys) if (typeof key === "string") seen.add(key);
        return keys;
      },
    });
  };

  try {
    model.prototype.validate.call(watch(object));
  } catch (error) {
    const { errors, message } = error as ValidationError;
    return errors?.length ? errors.map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`) : [message];
  }

  const unknown: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (value === null || typeof value !== "object") return;
    const seen = read.get(value);
    for (const [key, child] of Object.entries(value)) {
      const at = `${path}/${key}`;
      if (!Array.isArray(value) && !seen?.has(key)) unknown.push(`${at} is not a field of ${object.apiVersion} ${object.kind}`);
      else walk(child, at);
    }
  };
  walk(object, "");
  return unknown;
}
