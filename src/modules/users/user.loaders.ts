import DataLoader from "dataloader";
import type { EntityManager } from "@mikro-orm/core";
import { rowReader } from "../../db/read-rows.js";
import type { LoaderFactory } from "../../graphql/loaders.js";
import { User } from "./user.entity.js";
import { selectRows } from "../../db/select-rows.js";

/**
 * Users by id, one `IN (...)` query per tick of resolution however many fields ask. Read-only
 * snapshots (read-rows.ts): a page of tickets shows dozens of people, and hydrating them as
 * entities cost more than the query.
 */
export const usersById: LoaderFactory<DataLoader<string, User | null>> = (em: EntityManager) =>
  new DataLoader(async (ids) => {
    const reader = rowReader(em, User, "u");
    const sql = `select ${reader.columns} from \`users\` u where u.\`id\` in (${ids.map(() => "?").join(", ")})`;
    const users = (await selectRows(em, sql, ids)).map((row) => reader.read(row));
    const byId = new Map(users.map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id) ?? null);
  });
