import DataLoader from "dataloader";
import type { EntityManager } from "@mikro-orm/core";
import { rowReader } from "../../db/read-rows.js";
import type { LoaderFactory } from "../../core/loaders.js";
import { User } from "./user.entity.js";
import { selectRows } from "../../db/select-rows.js";

/**
 * Users by id, one `IN (...)` query per tick of resolution however many fields ask, and
 * synchronously for the users the request already holds: most people on a page arrive joined
 * into the rows that mention them (tickets, comments, history) and are primed here, and a page of
 * 50 tickets shows 250 of them; answering those without a promise each saves the event loop a
 * round of microtasks per field.
 */
export class UserLoader extends DataLoader<string, User | null> {
  constructor(
    private readonly known: Map<string, User>,
    batch: DataLoader.BatchLoadFn<string, User | null>,
  ) {
    super(batch);
  }

  /** The user, at once when this request has read it already, else through the next batch. */
  user(id: string): User | null | Promise<User | null> {
    return this.known.get(id) ?? this.load(id);
  }

  override clear(id: string): this {
    this.known.delete(id);
    return super.clear(id);
  }

  override clearAll(): this {
    this.known.clear();
    return super.clearAll();
  }

  override prime(id: string, user: User | null | Error | PromiseLike<User | null>): this {
    if (user instanceof User && !this.known.has(id)) this.known.set(id, user);
    return super.prime(id, user);
  }
}

/**
 * Read-only snapshots (read-rows.ts): a page of tickets shows dozens of people, and hydrating
 * them as entities cost more than the query.
 */
export const usersById: LoaderFactory<UserLoader> = (em: EntityManager) => {
  const known = new Map<string, User>();
  return new UserLoader(known, async (ids) => {
    const reader = rowReader(em, User, "u");
    const sql = `select ${reader.columns} from \`users\` u where u.\`id\` in (${ids.map(() => "?").join(", ")})`;
    const users = (await selectRows(em, sql, ids)).map((row) => reader.read(row));
    const byId = new Map(users.map((u) => [u.id, u]));
    for (const user of users) if (!known.has(user.id)) known.set(user.id, user);
    return ids.map((id) => byId.get(id) ?? null);
  });
};
