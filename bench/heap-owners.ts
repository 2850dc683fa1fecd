import { readFileSync } from "node:fs";

/**
 * Who holds a V8 heap: reads a .heapsnapshot (node --heapsnapshot-signal=SIGUSR2, or
 * v8.writeHeapSnapshot) and prints the self size by node type, the objects that retain the most
 * (retained size from the dominator tree, with the chain of owners above each) and the size of
 * loaded module sources by package. No GUI needed:
 *
 *   node --max-old-space-size=4096 dist/bench/heap-owners.js Heap.….heapsnapshot [top]
 */
interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const file = process.argv[2];
if (!file) throw new Error("usage: heap-owners.js <file.heapsnapshot> [top]");
const top = Number(process.argv[3] ?? 40);
const snap = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
const { meta } = snap.snapshot;
const { nodes, edges, strings } = snap;
const NF = meta.node_fields.length;
const EF = meta.edge_fields.length;
const [TYPE, NAME, SELF, EDGES] = ["type", "name", "self_size", "edge_count"].map((f) => meta.node_fields.indexOf(f)) as [number, number, number, number];
const [E_TYPE, E_NAME, E_TO] = ["type", "name_or_index", "to_node"].map((f) => meta.edge_fields.indexOf(f)) as [number, number, number];
const nodeTypes = meta.node_types[0];
const edgeTypes = meta.edge_types[0];
const N = nodes.length / NF;
const firstEdge = new Uint32Array(N + 1);
for (let i = 0, e = 0; i < N; i++) {
  firstEdge[i] = e;
  e += nodes[i * NF + EDGES]! * EF;
}
firstEdge[N] = edges.length;
const type = (i: number) => nodeTypes[nodes[i * NF + TYPE]!]!;
const name = (i: number) => strings[nodes[i * NF + NAME]!]!;
const self = (i: number) => nodes[i * NF + SELF]!;
const target = (e: number) => edges[e + E_TO]! / NF;
const edgeName = (e: number) => {
  const t = edgeTypes[edges[e + E_TYPE]!];
  return t === "element" || t === "hidden" ? `[${edges[e + E_NAME]}]` : strings[edges[e + E_NAME]!]!;
};
// Weak and shortcut edges do not keep anything alive.
const strong = (e: number) => !["weak", "shortcut"].includes(edgeTypes[edges[e + E_TYPE]!]!);
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(2).padStart(8);

function bySelfSize(): void {
  const totals = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < N; i++) {
    totals.set(type(i), (totals.get(type(i)) ?? 0) + self(i));
    all += self(i);
  }
  console.log(`${N} nodes, ${mb(all).trim()} MiB\n\n== self size by node type (MiB)`);
  for (const [t, size] of [...totals].sort((a, b) => b[1] - a[1])) console.log(mb(size), t);
}

/** Retained sizes from the dominator tree (Cooper, Harvey and Kennedy's iteration over a post-order). */
function retainedSizes(): { idom: Int32Array; retained: Float64Array } {
  const order = new Int32Array(N).fill(-1);
  const postOrder = new Uint32Array(N);
  let count = 0;
  const stack = new Uint32Array(N);
  const next = new Uint32Array(N);
  let sp = 1;
  stack[0] = 0;
  next[0] = firstEdge[0]!;
  const seen = new Uint8Array(N);
  seen[0] = 1;
  while (sp) {
    const n = stack[sp - 1]!;
    const e = next[sp - 1]!;
    if (e < firstEdge[n + 1]!) {
      next[sp - 1] = e + EF;
      const to = target(e);
      if (strong(e) && !seen[to]) {
        seen[to] = 1;
        stack[sp] = to;
        next[sp++] = firstEdge[to]!;
      }
    } else {
      order[n] = count;
      postOrder[count++] = n;
      sp--;
    }
  }
  const predStart = new Uint32Array(N + 1);
  for (let i = 0; i < N; i++) if (order[i]! >= 0) for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e += EF) if (strong(e)) predStart[target(e) + 1]!++;
  for (let i = 1; i <= N; i++) predStart[i]! += predStart[i - 1]!;
  const preds = new Uint32Array(predStart[N]!);
  const fill = predStart.slice();
  for (let i = 0; i < N; i++) if (order[i]! >= 0) for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e += EF) if (strong(e)) preds[fill[target(e)]!++] = i;
  const idom = new Int32Array(N).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (order[a]! < order[b]!) a = idom[a]!;
      while (order[b]! < order[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = count - 2; k >= 0; k--) {
      const n = postOrder[k]!;
      let dom = -1;
      for (let p = predStart[n]!; p < predStart[n + 1]!; p++) if (idom[preds[p]!]! >= 0) dom = dom < 0 ? preds[p]! : intersect(preds[p]!, dom);
      if (dom >= 0 && idom[n] !== dom) {
        idom[n] = dom;
        changed = true;
      }
    }
  }
  const retained = new Float64Array(N);
  for (let k = 0; k < count; k++) {
    const n = postOrder[k]!;
    retained[n]! += self(n);
    if (n !== 0) retained[idom[n]!]! += retained[n]!;
  }
  return { idom, retained };
}

function largestOwners(): void {
  const { idom, retained } = retainedSizes();
  const label = (i: number) => `${type(i)}:${name(i).slice(0, 60).replace(/\s+/g, " ")}`;
  const via = (i: number) => {
    const d = idom[i]!;
    for (let e = firstEdge[d]!; e < firstEdge[d + 1]!; e += EF) if (target(e) === i) return edgeName(e);
    return "?";
  };
  const owners = (i: number) => {
    const out: string[] = [];
    for (let n = i, k = 0; n !== 0 && k < 6; n = idom[n]!, k++) out.push(`${via(n)} of ${label(idom[n]!)}`);
    return out.join(" <- ");
  };
  const big = [];
  for (let i = 1; i < N; i++) if (idom[i]! >= 0 && retained[i]! > 256 * 1024 && type(i) !== "synthetic") big.push(i);
  big.sort((a, b) => retained[b]! - retained[a]!);
  console.log(`\n== largest retained sizes (MiB), with their owners`);
  for (const i of big.slice(0, top)) console.log(mb(retained[i]!), label(i), " <-", owners(i));
}

function sourcesByPackage(): void {
  const totals = new Map<string, [number, number]>();
  for (let i = 0; i < N; i++) {
    if (type(i) !== "code" || !/^(file:\/\/|\/|node:)/.test(name(i))) continue;
    let size = 0;
    for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e += EF) if (edgeName(e) === "source") size += self(target(e));
    if (!size) continue;
    const script = name(i);
    const pkg = script.includes("node_modules/")
      ? script.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, "$1")
      : script.startsWith("node:")
        ? "node's own modules"
        : script.replace(/.*\/dist\//, "").replace(/^(src\/[^/]+(\/[^/]+)?).*/, "$1");
    const t = totals.get(pkg) ?? [0, 0];
    t[0] += size;
    t[1]++;
    totals.set(pkg, t);
  }
  const all = [...totals.values()].reduce((sum, [s]) => sum + s, 0);
  console.log(`\n== module sources held, by package: ${mb(all).trim()} MiB (MiB, scripts)`);
  for (const [pkg, [size, scripts]] of [...totals].sort((a, b) => b[1][0] - a[1][0]).slice(0, top)) console.log(mb(size), String(scripts).padStart(5), pkg);
}

bySelfSize();
largestOwners();
sourcesByPackage();
