import DataLoader from "dataloader";
import type { EntityManager } from "@mikro-orm/core";
import type { LoaderFactory } from "../../core/loaders.js";
import { selectRows } from "../../db/select-rows.js";

/** How each labelled kind of audit target is named: its table and the SQL of its label's parts. */
const LABELS: Record<string, { table: string; select: string; label: (row: Record<string, unknown>) => string }> = {
  User: { table: "users", select: "`display_name` as a", label: (r) => String(r.a) },
  Ticket: { table: "tickets", select: "`number` as a, `subject` as b", label: (r) => `#${String(r.a)} · ${String(r.b)}` },
  Issue: { table: "issues", select: "`key` as a, `title` as b", label: (r) => `${String(r.a)} · ${String(r.b)}` },
  Project: { table: "projects", select: "`key` as a, `name` as b", label: (r) => `${String(r.a)} · ${String(r.b)}` },
  Organisation: { table: "organisations", select: "`name` as a", label: (r) => String(r.a) },
};

/** Whether audit targets of this kind have a label (others show their kind and id). */
export const isLabelledTarget = (type: string): boolean => Object.hasOwn(LABELS, type);

/**
 * Audit targets' labels by "Type:id": one `IN (...)` query per kind of target per tick, however
 * many events a page of the trail shows. A deleted target has no label (null).
 */
export const auditTargetLabels: LoaderFactory<DataLoader<string, string | null>> = (em: EntityManager) =>
  new DataLoader<string, string | null>(async (keys) => {
    const byType = new Map<string, string[]>();
    for (const key of keys) {
      const [type, id] = splitKey(key);
      byType.set(type, [...(byType.get(type) ?? []), id]);
    }
    const labels = new Map<string, string>();
    await Promise.all(
      [...byType].map(async ([type, ids]) => {
        const kind = LABELS[type];
        if (!kind) return;
        const sql = `select \`id\` as id, ${kind.select} from \`${kind.table}\` where \`id\` in (${ids.map(() => "?").join(", ")})`;
        for (const row of await selectRows<Record<string, unknown>>(em, sql, ids)) labels.set(`${type}:${String(row.id)}`, kind.label(row));
      }),
    );
    return keys.map((key) => labels.get(key) ?? null);
  });

function splitKey(key: string): [string, string] {
  const at = key.indexOf(":");
  return [key.slice(0, at), key.slice(at + 1)];
}
