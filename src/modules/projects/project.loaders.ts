import DataLoader from "dataloader";
import type { EntityManager } from "@mikro-orm/core";
import type { LoaderFactory } from "../../core/loaders.js";
import { Project } from "./project.entity.js";

/** Projects by id, one `IN (...)` query per tick however many issues ask for theirs. */
export const projectsById: LoaderFactory<DataLoader<string, Project | null>> = (em: EntityManager) =>
  new DataLoader(async (ids) => {
    const projects = await em.find(Project, { id: { $in: [...ids] } });
    const byId = new Map(projects.map((p) => [p.id, p]));
    return ids.map((id) => byId.get(id) ?? null);
  });
