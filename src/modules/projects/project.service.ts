import { UniqueConstraintViolationException, type EntityManager, type FilterQuery } from "@mikro-orm/core";
import type { RequestMeta, Viewer } from "../../graphql/context.js";
import type { PageArgs } from "../../graphql/connection.types.js";
import { BadUserInputError, ConflictError, NotFoundError } from "../../core/errors.js";
import { paginate, type SortKey } from "../../db/pagination.js";
import { AuditAction } from "../audit/audit.actions.js";
import { recordAudit } from "../audit/audit.service.js";
import { SortDirection } from "../issues/sort-direction.js";
import { assertVersion, conflictOnRace, FOR_UPDATE } from "../../core/writes.js";
import { User } from "../users/user.entity.js";
import { likeEscape } from "../users/user.service.js";
import { Project } from "./project.entity.js";
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
  /** One project by exactly one of id or key; null when there is none. */
  async find(em: EntityManager, by: { id?: string | null; key?: string | null }): Promise<Project | null> {
    if ((by.id == null) === (by.key == null)) throw new BadUserInputError('Pass exactly one of "id" and "key".', by.id == null ? "id" : "key");
    return by.id != null ? em.findOne(Project, { id: by.id }) : em.findOne(Project, { key: by.key!.toUpperCase() });
  }

  list(em: EntityManager, filter: ProjectFilter | undefined, order: ProjectOrder | undefined, page: PageArgs) {
    const where: FilterQuery<Project>[] = [];
    if (filter?.archived === true) where.push({ archivedAt: { $ne: null } });
    if (filter?.archived === false) where.push({ archivedAt: null });
    const search = filter?.search?.trim();
    if (search) {
      if (search.length > 100) throw new BadUserInputError("The search text must be at most 100 characters.", "filter.search");
      const term = likeEscape(search);
      where.push({ $or: [{ key: { $like: `${term.toUpperCase()}%` } }, { name: { $like: `%${term}%` } }] });
    }
    const sort: SortKey = { field: ORDER_FIELDS[order?.field ?? ProjectOrderField.KEY], direction: order?.direction ?? SortDirection.ASC };
    return paginate(em, Project, where.length ? { $and: where } : {}, sort, page);
  }

  async create(em: EntityManager, request: RequestMeta, actor: Viewer, input: CreateProjectInput): Promise<Project> {
    const key = validProjectKey(input.key, "input.key");
    const name = validProjectName(input.name, "input.name");
    const description = validProjectDescription(input.description, "input.description");
    try {
      return await em.transactional(async (tx) => {
        if (await tx.count(Project, { key })) throw this.keyTaken(key);
        const leadId = input.leadId != null ? (await requireStaffMember(tx, input.leadId, "input.leadId", "a project lead")).id : actor.userId;
        const project = tx.create(Project, { key, name, description, lead: tx.getReference(User, leadId) });
        recordAudit(tx, request, {
          action: AuditAction.PROJECT_CREATED,
          actorId: actor.userId,
          targetType: "Project",
          targetId: project.id,
          details: { key, name, leadId },
        });
        await tx.flush();
        return project;
      });
    } catch (error) {
      // Two admins creating the same key at once: the unique index decides, the loser hears CONFLICT.
      if (error instanceof UniqueConstraintViolationException) throw this.keyTaken(key);
      throw error;
    }
  }

  async update(em: EntityManager, request: RequestMeta, actor: Viewer, id: string, input: UpdateProjectInput, expectedVersion?: number | null): Promise<Project> {
    return conflictOnRace("project", () =>
      em.transactional(async (tx) => {
        const project = await this.lockForWrite(tx, id);
        assertVersion("project", project.version, expectedVersion);
        const changes: Record<string, { from: unknown; to: unknown }> = {};
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
        if (Object.keys(changes).length) {
          recordAudit(tx, request, { action: AuditAction.PROJECT_UPDATED, actorId: actor.userId, targetType: "Project", targetId: project.id, details: { changes } });
          await tx.flush();
        }
        return project;
      }),
    );
  }

  /** Archiving stops new issues; existing issues stay workable so they can be finished or canceled. */
  async setArchived(em: EntityManager, request: RequestMeta, actor: Viewer, id: string, archived: boolean, expectedVersion?: number | null, now = new Date()) {
    return conflictOnRace("project", () =>
      em.transactional(async (tx) => {
        const project = await this.lockForWrite(tx, id);
        assertVersion("project", project.version, expectedVersion);
        if (project.archived === archived) return project; // already so: nothing to record
        project.archivedAt = archived ? now : null;
        recordAudit(tx, request, {
          action: archived ? AuditAction.PROJECT_ARCHIVED : AuditAction.PROJECT_UNARCHIVED,
          actorId: actor.userId,
          targetType: "Project",
          targetId: project.id,
          details: { key: project.key },
        });
        await tx.flush();
        return project;
      }),
    );
  }

  private async lockForWrite(tx: EntityManager, id: string): Promise<Project> {
    const project = await tx.findOne(Project, { id }, FOR_UPDATE);
    if (!project) throw new NotFoundError("Project", id);
    return project;
  }

  private keyTaken(key: string) {
    return new ConflictError(`The project key ${key} is already taken.`, { field: "input.key" });
  }
}
