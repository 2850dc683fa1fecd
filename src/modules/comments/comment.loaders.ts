import DataLoader from "dataloader";
import type { EntityManager } from "@mikro-orm/core";
import type { LoaderFactory, Loaders } from "../../core/loaders.js";
import { rowReader } from "../../db/read-rows.js";
import { User } from "../users/user.entity.js";
import { usersById } from "../users/user.loaders.js";
import { Comment } from "./comment.entity.js";
import { selectRows } from "../../db/select-rows.js";

/** Which comments a reader may see: staff see internal notes, customers only public comments. */
export type CommentVisibility = "all" | "public";

/**
 * The first `limit` comments of each subject in one statement, whatever the number of subjects:
 * ROW_NUMBER() per subject (MariaDB 10.2+ and SQLite 3.25+ both have window functions), deleted
 * comments never included. `order` "DESC" gives the latest ones, newest first. Only ids are
 * ranked, then joined to their rows: ranking whole rows (mediumtext bodies) made MariaDB write
 * an on-disk temporary table for every batch. Comments come back as read-only snapshots
 * (read-rows.ts): hydrating them was a tenth of the ticket queue's CPU time. Their authors come
 * in the same statement and prime the users loader, so showing them costs no further query.
 */
async function firstCommentsPerSubject(
  em: EntityManager,
  loaders: Loaders,
  subjectIds: readonly string[],
  visibility: CommentVisibility,
  order: "ASC" | "DESC",
  limit: number | null,
): Promise<Map<string, Comment[]>> {
  const bySubject = new Map<string, Comment[]>(subjectIds.map((id) => [id, []]));
  if (!subjectIds.length) return bySubject;
  const marks = subjectIds.map(() => "?").join(", ");
  const internal = visibility === "public" ? " and c.`internal` = 0" : "";
  const params: unknown[] = [...subjectIds];
  const reader = rowReader(em, Comment, "c");
  const authors = rowReader(em, User, "u");
  const columns = `${reader.columns}, ${authors.columns}`;
  const author = " join `users` u on u.`id` = c.`author_id`";
  let sql: string;
  if (limit !== null && subjectIds.length === 1) {
    // One subject (a ticket's own page, the usual case): the index (subject_id, created_at, id)
    // answers an ordered LIMIT directly. The window query below ranks every comment of the
    // subject in a derived table, which cost MariaDB three times the CPU for the same rows.
    sql = `select ${columns} from \`comments\` c${author} where c.\`subject_id\` = ? and c.\`deleted_at\` is null${internal} order by c.\`created_at\` ${order}, c.\`id\` ${order} limit ?`;
    params.push(limit);
  } else if (limit === null) {
    sql = `select ${columns} from \`comments\` c${author} where c.\`subject_id\` in (${marks}) and c.\`deleted_at\` is null${internal} order by c.\`subject_id\`, c.\`created_at\` ${order}, c.\`id\` ${order}`;
  } else {
    sql =
      `select ${columns} from (select c.\`id\`, row_number() over (partition by c.\`subject_id\` order by c.\`created_at\` ${order}, c.\`id\` ${order}) as \`row_in_subject\`` +
      ` from \`comments\` c where c.\`subject_id\` in (${marks}) and c.\`deleted_at\` is null${internal}) ranked` +
      ` join \`comments\` c on c.\`id\` = ranked.\`id\`${author} where ranked.\`row_in_subject\` <= ?`;
    // No final ORDER BY: each row carries its rank, which places it below. Sorting the joined
    // rows cost MariaDB about as much as finding them (bench/RESULTS.md, "Every statement").
    sql = sql.replace(`select ${columns} from (`, `select ${columns}, ranked.\`row_in_subject\` as \`rank_in_subject\` from (`);
    params.push(limit);
  }
  const rows = await selectRows(em, sql, params);
  const users = loaders.get(usersById);
  for (const row of rows) {
    const comment = reader.read(row);
    const list = bySubject.get(comment.subjectId);
    const rank = row.rank_in_subject;
    if (list && rank !== undefined) list[Number(rank) - 1] = comment;
    else list?.push(comment);
    users.prime(comment.author.id, authors.read(row));
  }
  return bySubject;
}

function memoized<K, V>(make: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) cache.set(key, (value = make(key)));
    return value;
  };
}

const allBySubject = memoized(
  (visibility: CommentVisibility): LoaderFactory<DataLoader<string, Comment[]>> =>
    (em, loaders) =>
      new DataLoader(async (ids) => {
        const map = await firstCommentsPerSubject(em, loaders, ids, visibility, "ASC", null);
        return ids.map((id) => map.get(id) ?? []);
      }),
);

/**
 * Every listed (not deleted) comment of a ticket or issue, oldest first, batched per request.
 * `visibility` "all" includes internal notes: only for staff readers.
 */
export const commentsBySubject = (visibility: CommentVisibility): LoaderFactory<DataLoader<string, Comment[]>> => allBySubject(visibility);

const windowBySubject = memoized((key: string): LoaderFactory<DataLoader<string, Comment[]>> => {
  const [visibility, order, limit] = key.split(":") as [CommentVisibility, "ASC" | "DESC", string];
  return (em, loaders) =>
    new DataLoader(async (ids) => {
      const map = await firstCommentsPerSubject(em, loaders, ids, visibility, order, Number(limit));
      return ids.map((id) => map.get(id) ?? []);
    });
});

/**
 * The first `limit` comments of each subject in `order` (DESC: the latest), one statement per
 * batch. One factory (hence one loader per request) per combination of arguments.
 */
export const commentWindowBySubject = (visibility: CommentVisibility, order: "ASC" | "DESC", limit: number): LoaderFactory<DataLoader<string, Comment[]>> =>
  windowBySubject(`${visibility}:${order}:${limit}`);

const countsBySubject = memoized(
  (visibility: CommentVisibility): LoaderFactory<DataLoader<string, number>> =>
    (em) =>
      new DataLoader<string, number>(async (ids) => {
        const internal = visibility === "public" ? " and `internal` = 0" : "";
        const sql = `select \`subject_id\` as subject_id, count(*) as n from \`comments\` where \`subject_id\` in (${ids.map(() => "?").join(", ")}) and \`deleted_at\` is null${internal} group by \`subject_id\``;
        const rows = await selectRows<{ subject_id: string; n: number | string }>(em, sql, ids);
        const counts = new Map(rows.map((r) => [r.subject_id, Number(r.n)]));
        return ids.map((id) => counts.get(id) ?? 0);
      }),
);

/** How many listed comments each subject has, one grouped statement per batch. */
export const commentCountBySubject = (visibility: CommentVisibility): LoaderFactory<DataLoader<string, number>> => countsBySubject(visibility);
