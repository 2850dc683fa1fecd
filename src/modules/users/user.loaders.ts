import DataLoader from "dataloader";
import type { EntityManager } from "@mikro-orm/core";
import type { LoaderFactory } from "../../graphql/loaders.js";
import { User } from "./user.entity.js";

/** Users by id, one `IN (...)` query per tick of resolution however many fields ask. */
export const usersById: LoaderFactory<DataLoader<string, User | null>> = (em: EntityManager) =>
  new DataLoader(async (ids) => {
    const users = await em.find(User, { id: { $in: [...ids] } });
    const byId = new Map(users.map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id) ?? null);
  });
