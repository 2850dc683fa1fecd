import { raw } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import { attachmentIdsOf } from "../../core/attachment-ids.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { BadUserInputError, ForbiddenError, NotFoundError } from "../../core/errors.js";
import type { PageRequest } from "../../core/paging.js";
import { Priority } from "../../core/priority.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { assertVersion, conflictOnRace, FOR_UPDATE, LOCKED_READ_ONLY, READ_ONLY } from "../../core/writes.js";
import { paginate, type SortKey } from "../../db/pagination.js";
import { Project } from "../projects/project.entity.js";
import { requireStaffMember } from "../projects/staff-member.js";
import { User } from "../users/user.entity.js";
import { mayReassign } from "./issue.access.js";
import { Issue } from "./issue.entity.js";
import { issueEvent, type IssueChanges } from "./issue.events.js";
import { issueWhere } from "./issue.filter.js";
import { assertValidParent } from "./issue.hierarchy.js";
import { IssueStatus } from "./issue.enums.js";
import { isClosedStatus, WORKING_STATUSES } from "./issue.states.js";
import { IssueOrderField, type CreateIssueInput, type IssueFilter, type IssueOrder, type UpdateIssueInput } from "./issue.types.js";
import { validIssueDescription, validIssueTitle } from "./issue.validation.js";
import { archivedProject, takeIssueNumber } from "./issue-number.js";

const ORDER_FIELDS: Record<IssueOrderField, string> = {
  [IssueOrderField.CREATED_AT]: "createdAt",
  [IssueOrderField.UPDATED_AT]: "updatedAt",
  [IssueOrderField.PRIORITY]: "priorityRank",
};

/** Issues: lookup, lists, creation and edits. Status changes live in issue-transition.service.ts. */
export class IssueService {
  constructor(private readonly events: DomainEvents) {}

  /** One issue by exactly one of id or key; null when there is none. */
  async find(scope: RequestScope, by: { id?: string | null; key?: string | null }): Promise<Issue | null> {
    if ((by.id == null) === (by.key == null)) throw new BadUserInputError('Pass exactly one of "id" and "key".', by.id == null ? "id" : "key");
    return by.id != null ? scope.em.findOne(Issue, { id: by.id }) : scope.em.findOne(Issue, { key: by.key!.trim().toUpperCase() });
  }

  /** A page of issues matching `filter` (and, for `Project.issues`, within `projectId`). */
  /** Whether an issue with this id exists (for other modules' checks, handed to them by the composition root). */
  async exists(scope: RequestScope, id: string): Promise<boolean> {
    return (await scope.em.count(Issue, { id })) > 0;
  }

  list(scope: RequestScope, filter: IssueFilter | undefined, order: IssueOrder | undefined, page: PageRequest, projectId?: string) {
    const viewer = requireViewer(scope);
    // A function: the tags filter is a raw SQL fragment, used up by the page's query; the count needs its own.
    const scoped = () => {
      const where = issueWhere(filter, viewer);
      return projectId ? { $and: [where, { project: projectId }] } : where;
    };
    const sort: SortKey = { field: ORDER_FIELDS[order?.field ?? IssueOrderField.CREATED_AT], direction: order?.direction ?? "DESC" };
    return paginate(scope.em, Issue, scoped, sort, page);
  }

  /**
   * How many of a project's issues matching `filter` are in each status, every status listed
   * (zero included): a board's column counts, in one grouped statement however many issues.
   */
  async statusCounts(scope: RequestScope, filter: IssueFilter | undefined, projectId: string): Promise<{ status: IssueStatus; count: number }[]> {
    const where = { $and: [issueWhere(filter, requireViewer(scope)), { project: projectId }] };
    const rows = await (scope.em as SqlEntityManager)
      .createQueryBuilder(Issue, "i")
      .select(["i.status", raw("count(*) as n")])
      .where(where)
      .groupBy("i.status")
      .execute<{ status: IssueStatus; n: number | string }[]>("all");
    const counts = new Map(rows.map((r) => [r.status, Number(r.n)]));
    return Object.values(IssueStatus).map((status) => ({ status, count: counts.get(status) ?? 0 }));
  }

  async create(scope: RequestScope, input: CreateIssueInput): Promise<Issue> {
    const actor = requireViewer(scope);
    const title = validIssueTitle(input.title, "input.title");
    const description = validIssueDescription(input.description, "input.description");
    const priority = input.priority ?? Priority.NORMAL;
    return conflictOnRace("issue", () =>
      this.events.transaction(scope, async (txScope) => {
        const tx = txScope.em;
        const project = await tx.findOne(Project, { id: input.projectId }, READ_ONLY);
        if (!project) throw new BadUserInputError(`No project has the id "${input.projectId}".`, "input.projectId");
        if (project.archived) throw archivedProject(project.key);
        let parent: Issue | null = null;
        if (input.parentId != null) {
          // Locked: a concurrent "parent -> DONE" waits, then sees this open sub-issue.
          parent = await tx.findOne(Issue, { id: input.parentId }, LOCKED_READ_ONLY);
          if (!parent) throw new BadUserInputError(`No issue has the id "${input.parentId}".`, "input.parentId");
          await assertValidParent(tx, parent, { issue: null, projectId: project.id, open: true }, "input.parentId");
        }
        const assignee = input.assigneeId != null ? await requireStaffMember(tx, input.assigneeId, "input.assigneeId", "assignees") : null;
        const { number, key } = await takeIssueNumber(tx, project.id);
        const issue = tx.create(Issue, {
          project: tx.getReference(Project, project.id),
          number,
          key,
          title,
          description,
          reporter: tx.getReference(User, actor.userId),
          assignee: assignee ? tx.getReference(User, assignee.id) : null,
          parent: parent ? tx.getReference(Issue, parent.id) : null,
        });
        issue.setPriority(priority);
        await this.events.raise(txScope, {
          type: "issue.created",
          ...issueEvent(issue),
          payload: { key, projectId: project.id, title, priority, parentId: parent?.id ?? null, assigneeId: assignee?.id ?? null, ...attachmentIdsOf(input.attachmentIds) },
        });
        return issue;
      }),
    );
  }

  async update(scope: RequestScope, id: string, input: UpdateIssueInput, expectedVersion?: number | null): Promise<Issue> {
    requireViewer(scope);
    return conflictOnRace("issue", () =>
      this.events.transaction(scope, async (txScope) => {
        const tx = txScope.em;
        const issue = await this.lockForWrite(txScope, id);
        assertVersion("issue", issue.version, expectedVersion);
        const changes: IssueChanges = {};
        if (input.title != null) {
          const title = validIssueTitle(input.title, "input.title");
          if (title !== issue.title) changes.title = { from: issue.title, to: (issue.title = title) };
        }
        if (input.description != null) {
          const description = validIssueDescription(input.description, "input.description");
          // The old text can be long; the event notes that it changed, the issue holds the rest.
          if (description !== issue.description) changes.description = { from: issue.description.length, to: (issue.description = description).length };
        }
        if (input.priority != null && input.priority !== issue.priority) {
          changes.priority = { from: issue.priority, to: input.priority };
          issue.setPriority(input.priority);
        }
        if (input.parentId !== undefined && input.parentId !== (issue.parent?.id ?? null)) {
          let parent: Issue | null = null;
          if (input.parentId !== null) {
            parent = await tx.findOne(Issue, { id: input.parentId }, LOCKED_READ_ONLY);
            if (!parent) throw new BadUserInputError(`No issue has the id "${input.parentId}".`, "input.parentId");
            await assertValidParent(tx, parent, { issue, projectId: issue.project.id, open: !isClosedStatus(issue.status) }, "input.parentId");
          }
          changes.parentId = { from: issue.parent?.id ?? null, to: parent?.id ?? null };
          issue.parent = parent ? tx.getReference(Issue, parent.id, { wrapped: true }) : null;
        }
        if (Object.keys(changes).length) await this.events.raise(txScope, { type: "issue.updated", ...issueEvent(issue), payload: { key: issue.key, changes } });
        return issue;
      }),
    );
  }

  /**
   * Sets or clears the assignee; the same assignee again changes nothing. An issue that has an
   * assignee changes hands only through them, the project lead or an admin (see mayReassign).
   */
  async assign(scope: RequestScope, id: string, assigneeId: string | null, expectedVersion?: number | null): Promise<Issue> {
    const actor = requireViewer(scope);
    return conflictOnRace("issue", () =>
      this.events.transaction(scope, async (txScope) => {
        const tx = txScope.em;
        const issue = await this.lockForWrite(txScope, id);
        assertVersion("issue", issue.version, expectedVersion);
        const before = issue.assignee?.id ?? null;
        if (assigneeId === before) return issue;
        const project = before === null ? null : await tx.findOne(Project, { id: issue.project.id }, READ_ONLY);
        if (!mayReassign(actor, issue, project)) {
          throw new ForbiddenError("Only the assignee, the project lead or an admin may reassign an issue that already has an assignee.");
        }
        if (assigneeId === null && WORKING_STATUSES.includes(issue.status)) {
          throw new BadUserInputError(`An issue in ${issue.status} needs an assignee; assign someone else instead of nobody.`, "assigneeId");
        }
        const assignee = assigneeId === null ? null : await requireStaffMember(tx, assigneeId, "assigneeId", "assignees");
        issue.assignee = assignee ? tx.getReference(User, assignee.id, { wrapped: true }) : null;
        await this.events.raise(txScope, { type: "issue.assigned", ...issueEvent(issue), payload: { key: issue.key, from: before, to: assigneeId } });
        return issue;
      }),
    );
  }

  /** The issue to change, read under its row lock so concurrent writers queue up. */
  async lockForWrite(txScope: RequestScope, id: string): Promise<Issue> {
    const issue = await txScope.em.findOne(Issue, { id }, FOR_UPDATE);
    if (!issue) throw new NotFoundError("Issue", id);
    return issue;
  }
}
