import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

/**
 * A small `kustomize build` for the fields deploy/kubernetes uses, so CI renders the manifests
 * without the kustomize binary (nothing downloads one here). A field it does not know fails
 * the build rather than being skipped: what it renders is what kubectl would.
 * Patches: strategic merge (maps merge, lists of named items merge by name, other lists are
 * replaced, null deletes) and JSON 6902 (add, replace, remove, test).
 */

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Target = { kind?: string; name?: string };
type Patch = { path?: string; patch?: string; target?: Target };
type Image = { name: string; newName?: string; newTag?: string; digest?: string };

const KNOWN_FIELDS = new Set(["apiVersion", "kind", "namespace", "resources", "images", "patches"]);
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "IngressClass"]);

/** Parses YAML as kubectl does (YAML 1.1: 0440 is octal, yes/no are booleans). */
export function parseYaml(text: string, file: string): Json[] {
  return parseAllDocuments(text, { version: "1.1" }).flatMap((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
    const value = doc.toJS() as Json;
    return value === null ? [] : [value];
  });
}

const readYaml = (file: string): Json[] => parseYaml(readFileSync(file, "utf8"), file);

const isMap = (value: unknown): value is Record<string, Json> => typeof value === "object" && value !== null && !Array.isArray(value);

export function renderKustomization(dir: string): KubeObject[] {
  const file = join(dir, "kustomization.yaml");
  const [kustomization] = readYaml(file);
  if (!isMap(kustomization)) throw new Error(`${file}: not a map`);
  const unknown = Object.keys(kustomization).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length) throw new Error(`${file}: fields this renderer does not implement: ${unknown.join(", ")}`);

  let objects: KubeObject[] = ((kustomization.resources ?? []) as string[]).flatMap((entry) => {
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new Error(`${file}: resource ${entry} does not exist`);
    return statSync(path).isDirectory() ? renderKustomization(path) : (readYaml(path) as KubeObject[]);
  });

  for (const { path, patch, target } of (kustomization.patches ?? []) as Patch[]) {
    const documents = path ? readYaml(resolve(dir, path)) : parseYaml(patch ?? "", `${file} (inline patch)`);
    const first = documents[0];
    if (Array.isArray(first)) {
      if (!target) throw new Error(`${file}: a JSON 6902 patch needs a target`);
      const matched = objects.filter((o) => matches(o, target));
      if (!matched.length) throw new Error(`${file}: patch ${path} matches no resource`);
      objects = objects.map((o) => (matched.includes(o) ? applyJsonPatch(o, first as Operation[]) : o));
    } else {
      for (const document of documents as KubeObject[]) {
        const by = target ?? { kind: document.kind, name: document.metadata?.name };
        const matched = objects.filter((o) => matches(o, by));
        if (!matched.length) throw new Error(`${file}: patch ${path} matches no resource`);
        objects = objects.map((o) => (matched.includes(o) ? (strategicMerge(o as unknown as Json, document as unknown as Json) as KubeObject) : o));
      }
    }
  }

  for (const image of (kustomization.images ?? []) as Image[]) {
    if (!objects.some((o) => containersOf(o).some((c) => imageName(c.image) === image.name))) {
      throw new Error(`${file}: image ${image.name} is used by no container`);
    }
    objects = objects.map((o) => setImage(o, image));
  }

  const namespace = kustomization.namespace as string | undefined;
  if (namespace) {
    objects = objects.map((o) => (CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace } }));
  }
  return objects;
}

function matches(object: KubeObject, target: Target): boolean {
  return (!target.kind || object.kind === target.kind) && (!target.name || object.metadata.name === target.name);
}

/** Maps merge key by key; lists whose items all have a name merge item by item; null deletes. */
function strategicMerge(base: Json, patch: Json): Json {
  if (isMap(base) && isMap(patch)) {
    const out: Record<string, Json> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key];
      else out[key] = key in base ? strategicMerge(base[key]!, value) : value;
    }
    return out;
  }
  const named = (list: Json[]) => list.every((item) => isMap(item) && typeof item.name === "string");
  if (Array.isArray(base) && Array.isArray(patch) && named(base) && named(patch)) {
    const out = [...base];
    for (const item of patch as Record<string, Json>[]) {
      const at = out.findIndex((existing) => (existing as Record<string, Json>).name === item.name);
      if (at === -1) out.push(item);
      else out[at] = strategicMerge(out[at]!, item);
    }
    return out;
  }
  return patch;
}

type Operation = { op: "add" | "replace" | "remove" | "test"; path: string; value?: Json };

function applyJsonPatch(object: KubeObject, operations: Operation[]): KubeObject {
  const root = structuredClone(object) as unknown as Json;
  for (const { op, path, value } of operations) {
    const keys = path.split("/").slice(1).map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = keys.pop();
    let parent: Json = root;
    for (const key of keys) {
      const next: Json | undefined = Array.isArray(parent) ? parent[Number(key)] : isMap(parent) ? parent[key] : undefined;
      if (next === undefined) throw new Error(`JSON patch ${op} ${path}: ${key} does not exist`);
      parent = next;
    }
    if (last === undefined) throw new Error(`JSON patch ${op}: empty path`);
    if (Array.isArray(parent)) {
      const index = last === "-" ? parent.length : Number(last);
      if (op !== "add" && index >= parent.length) throw new Error(`JSON patch ${op} ${path}: no item ${last}`);
      if (op === "add") parent.splice(index, 0, value!);
      else if (op === "replace") parent[index] = value!;
      else if (op === "remove") parent.splice(index, 1);
      else if (JSON.stringify(parent[index]) !== JSON.stringify(value)) throw new Error(`JSON patch test ${path} failed`);
    } else if (isMap(parent)) {
      if (op !== "add" && !(last in parent)) throw new Error(`JSON patch ${op} ${path}: ${last} does not exist`);
      if (op === "add" || op === "replace") parent[last] = value!;
      else if (op === "remove") delete parent[last];
      else if (JSON.stringify(parent[last]) !== JSON.stringify(value)) throw new Error(`JSON patch test ${path} failed`);
    } else {
      throw new Error(`JSON patch ${op} ${path}: parent is not a map or list`);
    }
  }
  return root as unknown as KubeObject;
}

type Container = { name: string; image: string; [field: string]: unknown };

type PodTemplate = { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> };

/** The pod template of a workload (Deployment, StatefulSet, DaemonSet, Job: spec.template; CronJob: spec.jobTemplate.spec.template). */
export function podTemplateOf(object: KubeObject): PodTemplate | undefined {
  const spec = object.spec as { template?: PodTemplate; jobTemplate?: { spec?: { template?: PodTemplate } } } | undefined;
  return spec?.template ?? spec?.jobTemplate?.spec?.template;
}

/** The pod spec of a workload. */
export function podSpecOf(object: KubeObject): Record<string, unknown> | undefined {
  return podTemplateOf(object)?.spec;
}

export function containersOf(object: KubeObject): Container[] {
  const pod = podSpecOf(object);
  return [...((pod?.initContainers as Container[] | undefined) ?? []), ...((pod?.containers as Container[] | undefined) ?? [])];
}

/** `registry:5000/team/app:1.2@sha256:...` -> `registry:5000/team/app`. */
const imageName = (image: string) => image.replace(/@.*$/, "").replace(/:[^:/]+$/, "");

function setImage(object: KubeObject, image: Image): KubeObject {
  if (!containersOf(object).some((c) => imageName(c.image) === image.name)) return object;
  const copy = structuredClone(object);
  for (const container of containersOf(copy)) {
    if (imageName(container.image) !== image.name) continue;
    const tag = container.image.slice(imageName(container.image).length);
    const name = image.newName ?? image.name;
    container.image = image.digest ? `${name}@${image.digest}` : image.newTag ? `${name}:${image.newTag}` : `${name}${tag}`;
  }
  return copy;
}
