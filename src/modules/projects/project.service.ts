import { UniqueConstraintViolationException, type FilterQuery } from "@mikro-orm/core";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { BadUserInputError, ConflictError, NotFoundError } from "../../core/errors.js";
import type { PageRequest } from "../../core/paging.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { assertVersion, conflictOnRace, FOR_UPDATE } from "../../core/writes.js";
import { paginate, type SortKey } from "../../db/pagination.js";
import { contains, startsWith } from "../../db/text-match.js";
import { User } from "../users/user.entity.js";
import { Project } from "./project.entity.js";
import { projectEvent, type ProjectChanges } from "./project.events.js";
import { ProjectOrderField, type CreateProjectInput, type ProjectFilter, type ProjectOrder, type UpdateProjectInput } from "./project.types.js";
import { validProjectDescription, validProjectKey, validProjectName } from "./project.validation.js";
import { requireStaffMember } from "./staff-member.js";

const ORDER_FIELDS: Record<ProjectOrderField, string> = {
  [ProjectOrderField.KEY]: "key",
  [ProjectOrderField.NAME]: "name",
  [ProjectOrderField.CREATED_AT]: "createdAt",
};

/** Projects: listing for staff, and the admin's create, update and archive. */
export class ProjectService {
  constructor(private readonly events: DomainEvents) {}

  /** One project by exactly one of id or key; null when there is none. */
  async find(scope: RequestScope, by: { id?: string | null; key?: string | null }): Promise<Project | null> {
    if ((by.id == null) === (by.key == null)) throw new BadUserInputError('Pass exactly one of "id" and "key".', by.id == null ? "id" : "key");
    return by.id != null ? scope.em.findOne(Project, { id: by.id }) : scope.em.findOne(Project, { key: by.key!.toUpperCase() });
  }

  list(scope: RequestScope, filter: ProjectFilter | undefined, order: ProjectOrder | undefined, page: PageRequest) {
    const where: FilterQuery<Project>[] = [];
    if (filter?.archived === true) where.push({ archivedAt: { $ne: null } });
    if (filter?.archived === false) where.push({ archivedAt: null });
    const search = filter?.search?.trim();
    if (search) {
      if (search.length > 100) throw new BadUserInputError("The search text must be at most 100 characters.", "filter.search");
      where.push({ $or: [{ key: startsWith(search.toUpperCase()) }, { name: contains(search) }] });
    }
    const sort: SortKey = { field: ORDER_FIELDS[order?.field ?? ProjectOrderField.KEY], direction: order?.direction ?? "ASC" };
    return paginate(scope.em, Project, where.length ? { $and: where } : {}, sort, page);
  }

  async create(scope: RequestScope, input: CreateProjectInput): Promise<Project> {
    const actor = requireViewer(scope);
    const key = validProjectKey(input.key, "input.key");
    const name = validProjectName(input.name, "input.name");
    const description = validProjectDescription(input.description, "input.description");
    try {
      return await this.events.transaction(scope, async (txScope) => {
        const tx = txScope.em;
        if (await tx.count(Project, { key })) throw this.keyTaken(key);
        const leadId = input.leadId != null ? (await requireStaffMember(tx, input.leadId, "input.leadId", "a project lead")).id : actor.userId;
        const project = tx.create(Project, { key, name, description, lead: tx.getReference(User, leadId) });
        await this.events.raise(txScope, { type: "project.created", ...projectEvent(project), payload: { key, name, leadId } });
        return project;
      });
    } catch (error) {
      // Two admins creating the same key at once: the unique index decides, the loser hears CONFLICT.
      if (error instanceof UniqueConstraintViolationException) throw this.keyTaken(key);
      throw error;
    }
  }

  async update(scope: RequestScope, id: string, input: UpdateProjectInput, expectedVersion?: number | null): Promise<Project> {
    requireViewer(scope);
    return conflictOnRace("project", () =>
      this.events.transaction(scope, async (txScope) => {
        const tx = txScope.em;
        const project = await this.lockForWrite(txScope, id);
        assertVersion("project", project.version, expectedVersion);
        const changes: ProjectChanges = {};
        if (input.name != null) {
          const name = validProjectName(input.name, "input.name");
          if (name !== project.name) changes.name = { from: project.name, to: (project.name = name) };
        }
        if (input.description !== undefined) {
          const description = validProjectDescription(input.description, "input.description");
          if (description !== project.description) changes.description = { from: project.description, to: (project.description = description) };
        }
        if (input.leadId !== undefined) {
          const lead = input.leadId === null ? null : await requireStaffMember(tx, input.leadId, "input.leadId", "a project lead");
          const before = project.lead?.id ?? null;
          if ((lead?.id ?? null) !== before) {
            project.lead = lead ? tx.getReference(User, lead.id, { wrapped: true }) : null;
            changes.leadId = { from: before, to: lead?.id ?? null };
          }
        }
        if (Object.keys(changes).length) await this.events.raise(txScope, { type: "project.updated", ...projectEvent(project), payload: { changes } });
        return project;
      }),
    );
  }

  /** Archiving stops new issues; existing issues stay workable so they can be finished or canceled. */
  async setArchived(scope: RequestScope, id: string, archived: boolean, expectedVersion?: number | null): Promise<Project> {
    requireViewer(scope);
    return conflictOnRace("project", () =>
      this.events.transaction(scope, async (txScope) => {
        const project = await this.lockForWrite(txScope, id);
        assertVersion("project", project.version, expectedVersion);
        if (project.archived === archived) return project; // already so: nothing to record
        project.archivedAt = archived ? txScope.clock.now() : null;
        await this.events.raise(txScope, { type: archived ? "project.archived" : "project.unarchived", ...projectEvent(project), payload: { key: project.key } });
        return project;
      }),
    );
  }

  private async lockForWrite(txScope: RequestScope, id: string): Promise<Project> {
    const project = await txScope.em.findOne(Project, { id }, FOR_UPDATE);
    if (!project) throw new NotFoundError("Project", id);
    return project;
  }

  private keyTaken(key: string) {
    return new ConflictError(`The project key ${key} is already taken.`, { field: "input.key" });
  }
}
