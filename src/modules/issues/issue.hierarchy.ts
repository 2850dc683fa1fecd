import type { EntityManager } from "@mikro-orm/core";
import { BadUserInputError } from "../../core/errors.js";
import { Issue } from "./issue.entity.js";
import { isClosedStatus } from "./issue.states.js";
import { READ_ONLY } from "../../core/writes.js";

/**
 * Issues nest at most three levels (issue, sub-issue, sub-sub-issue): deep enough for
 * epic/story/task, shallow enough that walking a chain costs at most a few lookups.
 */
export const MAX_ISSUE_DEPTH = 3;

/** 1 for a top-level issue, 2 for its sub-issues, and so on. */
async function levelOf(tx: EntityManager, issue: Issue): Promise<{ level: number; ancestorIds: Set<string> }> {
  const ancestorIds = new Set<string>();
  let current: Issue | null = issue;
  // The guard bounds the walk even if stored data were ever deeper than the limit.
  while (current?.parent && ancestorIds.size <= MAX_ISSUE_DEPTH) {
    ancestorIds.add(current.parent.id);
    current = await tx.findOne(Issue, { id: current.parent.id }, READ_ONLY);
  }
  return { level: ancestorIds.size + 1, ancestorIds };
}

/** Levels in the subtree under and including `issue` (1 for an issue without sub-issues). */
async function heightOf(tx: EntityManager, issue: Issue): Promise<number> {
  let height = 1;
  let frontier = [issue.id];
  while (height <= MAX_ISSUE_DEPTH) {
    const children = await tx.find(Issue, { parent: { $in: frontier } }, { fields: ["id"], ...READ_ONLY });
    if (!children.length) break;
    height++;
    frontier = children.map((c) => c.id);
  }
  return height;
}

/**
 * Checks that `parent` may hold `issue` (null for an issue being created, which is open and has
 * no sub-issues): same project, no cycle, within the depth limit, and no open issue under a
 * closed parent (a DONE parent promises its sub-issues are finished). The caller holds the
 * parent's row lock, so a concurrent transition of the parent waits for this decision.
 */
export async function assertValidParent(
  tx: EntityManager,
  parent: Issue,
  child: { issue: Issue | null; projectId: string; open: boolean },
  field: string,
): Promise<void> {
  if (parent.project.id !== child.projectId) throw new BadUserInputError("A sub-issue must be in the same project as its parent.", field);
  if (child.issue && parent.id === child.issue.id) throw new BadUserInputError("An issue cannot be its own parent.", field);
  const { level, ancestorIds } = await levelOf(tx, parent);
  if (child.issue && ancestorIds.has(child.issue.id)) {
    throw new BadUserInputError(`${parent.key} is a sub-issue of ${child.issue.key}; making it the parent would create a cycle.`, field);
  }
  const height = child.issue ? await heightOf(tx, child.issue) : 1;
  if (level + height > MAX_ISSUE_DEPTH) {
    throw new BadUserInputError(`Issues nest at most ${MAX_ISSUE_DEPTH} levels deep; under ${parent.key} that limit would be exceeded.`, field);
  }
  if (child.open && isClosedStatus(parent.status)) {
    throw new BadUserInputError(`${parent.key} is ${parent.status}; an open issue cannot be put under it.`, field);
  }
}
