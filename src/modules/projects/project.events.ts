import type { Project } from "./project.entity.js";

/** A field's value before and after a change. */
export type ProjectChanges = Partial<Record<"name" | "description" | "leadId", { from: unknown; to: unknown }>>;

/**
 * The projects module's events. Projects are staff-only, so every one is STAFF, with
 * refs.projectId; the payloads are what the audit trail shows as the event's details.
 */
declare module "../../core/events/catalog.js" {
  interface EventCatalog {
    /** An admin created a project. */
    "project.created": { key: string; name: string; leadId: string };
    /** A project's name, description or lead changed. */
    "project.updated": { changes: ProjectChanges };
    /** A project was archived: it takes no new issues. */
    "project.archived": { key: string };
    /** An archived project was made active again. */
    "project.unarchived": { key: string };
  }
}

/** The target, refs and visibility of every event about `project`: projects are staff-only. */
export const projectEvent = (project: Project) =>
  ({ target: { type: "Project", id: project.id }, refs: { projectId: project.id }, visibility: "STAFF" }) as const;
