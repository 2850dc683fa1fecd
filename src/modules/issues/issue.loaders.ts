import DataLoader from "dataloader";
import { raw, type EntityManager } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import type { LoaderFactory } from "../../core/loaders.js";
import { Issue } from "./issue.entity.js";
import { CLOSED_ISSUE_STATUSES } from "./issue.states.js";

/** Issues by id (parents of a page of sub-issues, say), one `IN (...)` query per tick. */
export const issuesById: LoaderFactory<DataLoader<string, Issue | null>> = (em: EntityManager) =>
  new DataLoader(async (ids) => {
    const issues = await em.find(Issue, { id: { $in: [...ids] } });
    const byId = new Map(issues.map((i) => [i.id, i]));
    return ids.map((id) => byId.get(id) ?? null);
  });

/** The sub-issues of each parent, by number, in one query per batch of parents. */
export const subIssuesByParent: LoaderFactory<DataLoader<string, Issue[]>> = (em: EntityManager) =>
  new DataLoader(async (parentIds) => {
    const issues = await em.find(Issue, { parent: { $in: [...parentIds] } }, { orderBy: { number: "ASC" } });
    const byParent = new Map<string, Issue[]>(parentIds.map((id) => [id, []]));
    for (const issue of issues) byParent.get(issue.parent!.id)?.push(issue);
    return parentIds.map((id) => byParent.get(id)!);
  });

/** `count(*)` of open (not DONE/CANCELED) issues grouped by one of their columns. */
async function openIssueCounts(em: EntityManager, column: "project" | "parent", ids: readonly string[]): Promise<number[]> {
  const rows = await (em as SqlEntityManager)
    .createQueryBuilder(Issue, "i")
    .select([`i.${column}`, raw("count(*) as n")])
    .where({ [column]: { $in: [...ids] }, status: { $nin: [...CLOSED_ISSUE_STATUSES] } })
    .groupBy(`i.${column}`)
    .execute<Record<string, unknown>[]>("all");
  const counts = new Map(rows.map((r) => [String(r[column]), Number(r.n)]));
  return ids.map((id) => counts.get(id) ?? 0);
}

/** Open sub-issues per parent: what blocks DONE, for the `allowedTransitions` hint. */
export const openSubIssueCountByParent: LoaderFactory<DataLoader<string, number>> = (em) => new DataLoader((ids) => openIssueCounts(em, "parent", ids));

/** Open issues per project, one grouped statement per batch of projects. */
export const openIssueCountByProject: LoaderFactory<DataLoader<string, number>> = (em) => new DataLoader((ids) => openIssueCounts(em, "project", ids));
