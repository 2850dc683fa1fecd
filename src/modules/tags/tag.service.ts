import { ConflictError, ForbiddenError, NotFoundError, BadUserInputError } from "../../core/errors.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { isStaff, Role } from "../../core/identity.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { assertVersion, conflictOnRace, FOR_UPDATE, READ_ONLY, unchanged } from "../../core/writes.js";
import { contains } from "../../db/text-match.js";
import { Issue } from "../issues/issue.entity.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { User } from "../users/user.entity.js";
import { IssueTag, Tag, TicketTag } from "./tag.entity.js";
import "./tag.events.js";
import { checkTagName, checkTagNames, normalizeTag } from "./tag.names.js";

export type TagsMode = "free" | "curated";

/** What to do to a ticket's or an issue's tags: replace them (`set`), or add and remove some. */
export interface TagChange {
  set?: readonly string[];
  add?: readonly string[];
  remove?: readonly string[];
}

/** What a change did: the tags added and removed (display names), and the list after it. */
export interface TagOutcome {
  added: string[];
  removed: string[];
  tags: string[];
}

const LIST_MAX = 200;

/**
 * Tags on tickets and issues (staff only). The vocabulary: admins create, rename and delete
 * tags; in TAGS_MODE=free agents create a tag by using it, in "curated" they pick existing ones.
 *
 * Every write opens a transaction with `DomainEvents.transaction`, which joins the caller's when
 * there is one: other modules (bulk changes, macros) call `changeTicketTags` /
 * `changeIssueTags` with the scope of their own transaction, and the tags change with the rest
 * of their work or not at all.
 */
export class TagService {
  constructor(
    private readonly mode: TagsMode,
    private readonly events: DomainEvents,
  ) {}

  /** Tags by name, those containing `search` (case-insensitive) when given. */
  list(scope: RequestScope, search: string | null | undefined, first: number): Promise<Tag[]> {
    if (!Number.isInteger(first) || first < 1 || first > LIST_MAX) throw new BadUserInputError(`"first" must be between 1 and ${LIST_MAX}.`, "first");
    const text = search ? normalizeTag(search) : "";
    return scope.em.find(Tag, text ? { normalized: contains(text) } : {}, { orderBy: { normalized: "asc" }, limit: first });
  }

  async create(scope: RequestScope, name: string): Promise<Tag> {
    const shown = checkTagName(name, "name");
    return conflictOnRace("tag", () =>
      this.events.transaction(scope, async (tx) => {
        if (await tx.em.count(Tag, { normalized: normalizeTag(shown) })) throw new ConflictError(`A tag named "${shown}" exists already.`);
        return this.insert(tx, shown);
      }),
    );
  }

  async rename(scope: RequestScope, id: string, name: string, expectedVersion?: number | null): Promise<Tag> {
    const shown = checkTagName(name, "name");
    return conflictOnRace("tag", () =>
      this.events.transaction(scope, async (tx) => {
        const tag = await tx.em.findOne(Tag, { id }, FOR_UPDATE);
        if (!tag) throw new NotFoundError("Tag", id);
        assertVersion("tag", tag.version, expectedVersion);
        if (tag.name === shown) return unchanged(tx.em, tag);
        const normalized = normalizeTag(shown);
        if (normalized !== tag.normalized && (await tx.em.count(Tag, { normalized }))) throw new ConflictError(`A tag named "${shown}" exists already.`);
        const from = tag.name;
        Object.assign(tag, { name: shown, normalized });
        await this.events.raise(tx, { type: "tag.renamed", target: { type: "Tag", id }, visibility: "STAFF", payload: { from, to: shown } });
        return tag;
      }),
    );
  }

  /** Deletes a tag and takes it off every ticket and issue. */
  async delete(scope: RequestScope, id: string): Promise<boolean> {
    return this.events.transaction(scope, async (tx) => {
      const tag = await tx.em.findOne(Tag, { id }, FOR_UPDATE);
      if (!tag) throw new NotFoundError("Tag", id);
      const tickets = await tx.em.nativeDelete(TicketTag, { tag: id });
      const issues = await tx.em.nativeDelete(IssueTag, { tag: id });
      tx.em.remove(tag);
      await this.events.raise(tx, { type: "tag.deleted", target: { type: "Tag", id }, visibility: "STAFF", payload: { name: tag.name, tickets, issues } });
      return true;
    });
  }

  /** Changes a ticket's tags (pinned to `expectedVersion` when given); the ticket as it is after. */
  async changeTicketTags(scope: RequestScope, ticketId: string, change: TagChange, expectedVersion?: number | null): Promise<{ ticket: Ticket } & TagOutcome> {
    this.requireStaff(scope);
    const joined = this.events.inTransaction(scope);
    return conflictOnRace("ticket", () =>
      this.events.transaction(scope, async (tx) => {
        const ticket = await tx.em.findOne(Ticket, { id: ticketId }, FOR_UPDATE);
        if (!ticket) throw new NotFoundError("Ticket", ticketId);
        assertVersion("ticket", ticket.version, expectedVersion);
        const current = await tx.em.find(TicketTag, { ticket: ticketId }, { populate: ["tag"], ...READ_ONLY });
        const outcome = await this.apply(
          tx,
          current.map((row) => ({ id: row.id, tag: row.tag.getEntity() })),
          change,
          (tag) => tx.em.create(TicketTag, { ticket: tx.em.getReference(Ticket, ticketId), tag: tx.em.getReference(Tag, tag.id), addedBy: tx.em.getReference(User, tx.viewer!.userId) }),
          (ids) => tx.em.nativeDelete(TicketTag, { id: { $in: ids } }),
        );
        if (!outcome) return { ticket: joined ? ticket : unchanged(tx.em, ticket), added: [], removed: [], tags: current.map((r) => r.tag.getEntity().name).sort(byName) };
        ticket.updatedAt = new Date(); // a tag change is a change of the ticket: its version moves
        await this.events.raise(tx, { type: "ticket.tags_changed", target: { type: "Ticket", id: ticketId }, refs: { ticketId }, visibility: "STAFF", payload: outcome });
        return { ticket, ...outcome };
      }),
    );
  }

  /** Changes an issue's tags (pinned to `expectedVersion` when given); the issue as it is after. */
  async changeIssueTags(scope: RequestScope, issueId: string, change: TagChange, expectedVersion?: number | null): Promise<{ issue: Issue } & TagOutcome> {
    this.requireStaff(scope);
    const joined = this.events.inTransaction(scope);
    return conflictOnRace("issue", () =>
      this.events.transaction(scope, async (tx) => {
        const issue = await tx.em.findOne(Issue, { id: issueId }, FOR_UPDATE);
        if (!issue) throw new NotFoundError("Issue", issueId);
        assertVersion("issue", issue.version, expectedVersion);
        const current = await tx.em.find(IssueTag, { issue: issueId }, { populate: ["tag"], ...READ_ONLY });
        const outcome = await this.apply(
          tx,
          current.map((row) => ({ id: row.id, tag: row.tag.getEntity() })),
          change,
          (tag) => tx.em.create(IssueTag, { issue: tx.em.getReference(Issue, issueId), tag: tx.em.getReference(Tag, tag.id), addedBy: tx.em.getReference(User, tx.viewer!.userId) }),
          (ids) => tx.em.nativeDelete(IssueTag, { id: { $in: ids } }),
        );
        if (!outcome) return { issue: joined ? issue : unchanged(tx.em, issue), added: [], removed: [], tags: current.map((r) => r.tag.getEntity().name).sort(byName) };
        issue.updatedAt = new Date();
        await this.events.raise(tx, {
          type: "issue.tags_changed",
          target: { type: "Issue", id: issueId },
          refs: { issueId, projectId: issue.project.id },
          visibility: "STAFF",
          payload: { key: issue.key, ...outcome },
        });
        return { issue, ...outcome };
      }),
    );
  }

  /** A ticket's tags, by name (read only). */
  async ticketTags(scope: RequestScope, ticketId: string): Promise<Tag[]> {
    const rows = await scope.em.find(TicketTag, { ticket: ticketId }, { populate: ["tag"], ...READ_ONLY });
    return rows.map((r) => r.tag.getEntity()).sort((a, b) => byName(a.name, b.name));
  }

  /**
   * The tags `names` stand for, as they would be used by the scope's viewer: existing ones, and
   * the names that would be created (free mode, or an admin) or are refused (`unknown`).
   */
  async resolve(scope: RequestScope, names: readonly string[], field: string): Promise<{ existing: Tag[]; created: string[]; unknown: string[] }> {
    const shown = checkTagNames(names, field);
    // Read only: a tag used is not a tag changed (SQLite would write loaded rows back).
    const existing = shown.length ? await scope.em.find(Tag, { normalized: { $in: shown.map(normalizeTag) } }, READ_ONLY) : [];
    const known = new Set(existing.map((t) => t.normalized));
    const missing = shown.filter((n) => !known.has(normalizeTag(n)));
    const mayCreate = this.mode === "free" || scope.viewer?.role === Role.ADMIN;
    return { existing, created: mayCreate ? missing : [], unknown: mayCreate ? [] : missing };
  }

  /** Adds and removes join rows for `change`; null when nothing changes. */
  private async apply(
    tx: RequestScope,
    current: { id: string; tag: Tag }[],
    change: TagChange,
    link: (tag: Tag) => unknown,
    unlink: (ids: string[]) => Promise<unknown>,
  ): Promise<TagOutcome | null> {
    const given = [change.set != null, change.add != null || change.remove != null].filter(Boolean).length;
    if (given !== 1) throw new BadUserInputError("Pass either the tags to set, or tags to add and remove.", "tags");
    const wanted = change.set ?? change.add ?? [];
    const field = change.set ? "tags" : "add";
    const { existing, created, unknown } = await this.resolve(tx, wanted, field);
    if (unknown.length) {
      throw new BadUserInputError(`Only admins create tags (TAGS_MODE=curated); unknown: ${unknown.join(", ")}.`, field, { unknownTags: unknown });
    }
    const removeKeys = new Set((change.remove ? checkTagNames(change.remove, "remove") : []).map(normalizeTag));
    const have = new Map(current.map((c) => [c.tag.normalized, c]));
    const target = [...existing];
    for (const name of created) target.push(await this.insert(tx, name));
    const targetKeys = new Set(target.map((t) => t.normalized));
    const toAdd = target.filter((t) => !have.has(t.normalized) && !removeKeys.has(t.normalized));
    const toRemove = current.filter((c) => (change.set ? !targetKeys.has(c.tag.normalized) : removeKeys.has(c.tag.normalized)));
    if (!toAdd.length && !toRemove.length) return null;
    for (const tag of toAdd) link(tag);
    if (toRemove.length) await unlink(toRemove.map((c) => c.id));
    const removedKeys = new Set(toRemove.map((c) => c.tag.normalized));
    const after = [...current.filter((c) => !removedKeys.has(c.tag.normalized)).map((c) => c.tag.name), ...toAdd.map((t) => t.name)];
    return { added: toAdd.map((t) => t.name).sort(byName), removed: toRemove.map((c) => c.tag.name).sort(byName), tags: after.sort(byName) };
  }

  private async insert(tx: RequestScope, name: string): Promise<Tag> {
    const tag = tx.em.create(Tag, { name, normalized: normalizeTag(name) });
    await this.events.raise(tx, { type: "tag.created", target: { type: "Tag", id: tag.id }, visibility: "STAFF", payload: { name } });
    return tag;
  }

  private requireStaff(scope: RequestScope): void {
    if (!isStaff(requireViewer(scope).role)) throw new ForbiddenError("Only agents and admins change tags.");
  }
}

const byName = (a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase());
