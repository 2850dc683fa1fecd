import type { EntityManager } from "@mikro-orm/core";
import type { Connection, PageRequest } from "../../core/paging.js";
import type { Loaders } from "../../core/loaders.js";
import { connectionOf, encodeCursor, pageWindow, paginate, type SortKey } from "../../db/pagination.js";
import { Comment } from "./comment.entity.js";
import { commentCountBySubject, commentWindowBySubject, type CommentVisibility } from "./comment.loaders.js";

const CHRONOLOGICAL: SortKey = { field: "createdAt", direction: "ASC" };

/**
 * A page of one subject's comments, oldest first. A first page (no cursor), the common case when
 * a list shows many tickets, comes from a batched window loader, so a page of tickets with their
 * comments costs one statement; paging on from a cursor queries that one subject.
 */
export async function commentPage(em: EntityManager, loaders: Loaders, subjectId: string, visibility: CommentVisibility, args: PageRequest): Promise<Connection<Comment>> {
  const { size, backward } = pageWindow(args);
  const count = () => loaders.get(commentCountBySubject(visibility)).load(subjectId);
  if (args.after || args.before) {
    const where = { subjectId, deletedAt: null, ...(visibility === "public" ? { internal: false } : {}) };
    return paginate(em, Comment, where, CHRONOLOGICAL, args, { count });
  }
  const rows = await loaders.get(commentWindowBySubject(visibility, backward ? "DESC" : "ASC", size + 1)).load(subjectId);
  const more = rows.length > size;
  const nodes = rows.slice(0, size);
  if (backward) nodes.reverse();
  const cursorOf = (node: Comment) => encodeCursor(CHRONOLOGICAL, node.createdAt, node.id);
  return connectionOf(nodes, cursorOf, { hasNextPage: backward ? false : more, hasPreviousPage: backward ? more : false }, count);
}
