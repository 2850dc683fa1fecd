import { raw, type FilterQuery } from "@mikro-orm/core";
import type { Viewer } from "../../core/identity.js";
import { BadUserInputError } from "../../core/errors.js";
import { contains } from "../../db/text-match.js";
import type { Issue } from "./issue.entity.js";
import type { IssueFilter } from "./issue.types.js";
import { ISSUE_KEY_PATTERN } from "./issue.validation.js";

const SEARCH_MAX = 100;
const TAGS_MAX = 20;

/**
 * Issues with any of the tags (tags module, issue_tags), compared as tags/tag.names.ts
 * normalizeTag does (repeated here: the tags module imports this one).
 */
function taggedWithAny(names: readonly string[], field: string): FilterQuery<Issue> {
  if (names.length > TAGS_MAX) throw new BadUserInputError(`Filter by at most ${TAGS_MAX} tags.`, field);
  const keys = [...new Set(names.map((n) => n.normalize("NFC").trim().replace(/\s+/gu, " ").toLowerCase()).filter(Boolean))];
  if (!keys.length) return { id: { $in: [] } };
  return {
    [raw((t) => `${t}.id in (select it.issue_id from issue_tags it join tags g on g.id = it.tag_id where g.normalized in (${keys.map(() => "?").join(", ")}))`, keys)]: [],
  } as FilterQuery<Issue>;
}

/** Turns the GraphQL filter into a MikroORM condition; every condition must hold. */
export function issueWhere(filter: IssueFilter | undefined, viewer: Viewer, field = "filter"): FilterQuery<Issue> {
  const where: FilterQuery<Issue>[] = [];
  if (!filter) return {};
  if (filter.projectId) where.push({ project: filter.projectId });
  if (filter.status?.length) where.push({ status: { $in: filter.status } });
  if (filter.priority?.length) where.push({ priority: { $in: filter.priority } });
  if (filter.assignee) {
    const { userId, unassigned, me } = filter.assignee;
    const given = [userId != null, unassigned != null, me != null].filter(Boolean).length;
    if (given !== 1) throw new BadUserInputError("Set exactly one of assignee.userId, assignee.unassigned and assignee.me.", `${field}.assignee`);
    if (userId != null) where.push({ assignee: userId });
    if (unassigned != null) where.push({ assignee: unassigned ? null : { $ne: null } });
    if (me != null) where.push(me ? { assignee: viewer.userId } : { $or: [{ assignee: null }, { assignee: { $ne: viewer.userId } }] });
  }
  if (filter.parentId) where.push({ parent: filter.parentId });
  if (filter.tags) where.push(taggedWithAny(filter.tags, `${field}.tags`));
  if (filter.createdAfter) where.push({ createdAt: { $gt: filter.createdAfter } });
  if (filter.createdBefore) where.push({ createdAt: { $lt: filter.createdBefore } });
  if (filter.updatedAfter) where.push({ updatedAt: { $gt: filter.updatedAfter } });
  const search = filter.search?.trim();
  if (search) {
    if (search.length > SEARCH_MAX) throw new BadUserInputError(`The search text must be at most ${SEARCH_MAX} characters.`, `${field}.search`);
    const byTitle: FilterQuery<Issue> = { title: contains(search) };
    const key = search.toUpperCase();
    where.push(ISSUE_KEY_PATTERN.test(key) ? { $or: [byTitle, { key }] } : byTitle);
  }
  return where.length ? { $and: where } : {};
}
