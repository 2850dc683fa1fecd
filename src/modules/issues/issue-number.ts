import { raw, type EntityManager } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import { ConflictError, NotFoundError } from "../../core/errors.js";
import { Project } from "../projects/project.entity.js";
import { issueKey } from "./issue.validation.js";

/**
 * Takes the project's next issue number inside the creating transaction. The UPDATE is atomic
 * and holds the project row's lock until commit, so concurrent creators in the same project
 * queue up and get distinct, gap-free numbers on MySQL; SQLite serializes writers anyway. The
 * same statement refuses archived projects, so an issue never lands in a project archived a
 * moment earlier.
 */
export async function takeIssueNumber(tx: EntityManager, projectId: string): Promise<{ number: number; key: string }> {
  const updated = await tx.nativeUpdate(Project, { id: projectId, archivedAt: null }, { lastIssueNumber: raw("last_issue_number + 1") });
  const row = await (tx as SqlEntityManager)
    .createQueryBuilder(Project)
    .select(["key", "lastIssueNumber", "archivedAt"])
    .where({ id: projectId })
    .execute<{ key: string; lastIssueNumber: number; archivedAt: Date | null } | null>("get");
  if (!row) throw new NotFoundError("Project", projectId);
  if (!updated) throw archivedProject(row.key);
  return { number: Number(row.lastIssueNumber), key: issueKey(row.key, Number(row.lastIssueNumber)) };
}

export const archivedProject = (key: string) =>
  new ConflictError(`Project ${key} is archived and takes no new issues; an admin can unarchive it.`, { field: "input.projectId" });
