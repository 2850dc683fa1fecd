import { Priority, PRIORITY_RANK } from "../../core/priority.js";
import { IssueStatus } from "../../modules/issues/issue.enums.js";
import { isClosedStatus } from "../../modules/issues/issue.states.js";
import { CANCEL_REASONS, ISSUE_COMMENTS, issueDescription, issueTitle } from "./demo-desk.text.js";
import { addMinutes, audit, between, comment, DAY, spread, type DemoContext, type DemoUser, type Row } from "./demo-desk.model.js";
import type { DemoTicket } from "./demo-desk.tickets.js";

export interface DemoProject {
  id: string;
  key: string;
  /** How many issues it gets relative to the others. */
  weight: number;
  row: Row;
}

interface DemoIssue {
  id: string;
  key: string;
  projectId: string;
  status: IssueStatus;
  assignee: DemoUser | null;
  parent: DemoIssue | null;
  createdAt: Date;
  row: Row;
}

const { TODO, IN_PROGRESS, IN_REVIEW, DONE, CANCELED } = IssueStatus;

function statusFor(ctx: DemoContext, ageDays: number): IssueStatus {
  if (ageDays > 30) return ctx.rnd.weighted([[DONE, 60], [CANCELED, 12], [TODO, 15], [IN_PROGRESS, 8], [IN_REVIEW, 5]]);
  return ctx.rnd.weighted([[TODO, 38], [IN_PROGRESS, 25], [IN_REVIEW, 12], [DONE, 20], [CANCELED, 5]]);
}

/** The moves the issue module allows, from TODO to `status`. */
const PATHS: Record<IssueStatus, IssueStatus[]> = {
  [TODO]: [],
  [IN_PROGRESS]: [IN_PROGRESS],
  [IN_REVIEW]: [IN_PROGRESS, IN_REVIEW],
  [DONE]: [IN_PROGRESS, IN_REVIEW, DONE],
  [CANCELED]: [CANCELED],
};

/**
 * `count` issues over the last 80 days, numbered per project in creation order, a quarter of
 * them sub-issues of an earlier top-level issue (two levels, within the limit). The rules the
 * issue module enforces hold: work in progress has an assignee, no open sub-issue sits under a
 * closed parent, and every cancel reason is a comment. Returns the issues' rows.
 */
export function demoIssues(ctx: DemoContext, projects: DemoProject[], count: number): DemoIssue[] {
  const { rnd, now } = ctx;
  const start = now.getTime() - 80 * DAY;
  const step = (80 * DAY) / Math.max(1, count);
  const numbers = new Map(projects.map((p) => [p.id, 0]));
  const topLevel = new Map<string, DemoIssue[]>(projects.map((p) => [p.id, []]));
  const issues: DemoIssue[] = [];
  for (let i = 0; i < count; i++) {
    const createdAt = new Date(Math.floor(start + (i + rnd.next()) * step));
    const project = rnd.weighted(projects.map((p) => [p, p.weight] as const));
    const number = numbers.get(project.id)! + 1;
    numbers.set(project.id, number);
    const candidates = topLevel.get(project.id)!;
    const parent = candidates.length && rnd.chance(0.25) ? rnd.pick(candidates) : null;
    let status = statusFor(ctx, (now.getTime() - createdAt.getTime()) / DAY);
    // A closed parent promises its sub-issues are finished too.
    if (parent && isClosedStatus(parent.status) && !isClosedStatus(status)) status = parent.status;
    const needsAssignee = status === IN_PROGRESS || status === IN_REVIEW || status === DONE;
    const assignee = needsAssignee || rnd.chance(0.4) ? rnd.pick(ctx.staff) : null;
    const priority = rnd.weighted([[Priority.LOW, 20], [Priority.NORMAL, 50], [Priority.HIGH, 22], [Priority.URGENT, 8]] as const);
    const title = issueTitle((items) => rnd.pick(items));
    const id = rnd.uuid(createdAt);
    const key = `${project.key}-${number}`;
    const row: Row = {
      id,
      project: project.id,
      number,
      key,
      title,
      description: issueDescription(title, (items) => rnd.pick(items)),
      status,
      priority,
      priorityRank: PRIORITY_RANK[priority],
      reporter: rnd.pick(ctx.staff).id,
      assignee: assignee?.id ?? null,
      parent: parent?.id ?? null,
      version: 1,
      createdAt,
      updatedAt: createdAt,
    };
    const issue: DemoIssue = { id, key, projectId: project.id, status, assignee, parent, createdAt, row };
    issues.push(issue);
    if (!parent) candidates.push(issue);
    history(ctx, issue);
  }
  for (const project of projects) project.row.lastIssueNumber = numbers.get(project.id);
  return issues;
}

/** The audit trail (and cancel reason) of an issue that went from TODO to its status. */
function history(ctx: DemoContext, issue: DemoIssue): void {
  const { rnd } = ctx;
  const reporterId = issue.row.reporter as string;
  audit(ctx, issue.createdAt, "ISSUE_CREATED", reporterId, "Issue", issue.id, {
    key: issue.key,
    projectId: issue.projectId,
    title: issue.row.title,
    priority: issue.row.priority,
    parentId: issue.parent?.id ?? null,
    assigneeId: null,
  });
  let at = issue.createdAt;
  let version = 1;
  if (issue.assignee) {
    at = between(ctx, at, addMinutes(at, 24 * 60));
    audit(ctx, at, "ISSUE_ASSIGNED", reporterId, "Issue", issue.id, { key: issue.key, from: null, to: issue.assignee.id });
    version++;
  }
  let from = TODO;
  for (const to of PATHS[issue.status]) {
    at = between(ctx, at, addMinutes(at, rnd.exponential(3 * 24 * 60)));
    const actorId = issue.assignee?.id ?? reporterId;
    if (to === CANCELED) {
      const reason = rnd.pick(CANCEL_REASONS);
      comment(ctx, at, actorId, "ISSUE", issue.id, reason, false);
      const commentId = ctx.comments.at(-1)!.id;
      audit(ctx, at, "ISSUE_TRANSITIONED", actorId, "Issue", issue.id, { key: issue.key, from, to, reason, commentId });
    } else {
      audit(ctx, at, "ISSUE_TRANSITIONED", actorId, "Issue", issue.id, { key: issue.key, from, to });
    }
    from = to;
    version++;
  }
  issue.row.version = version;
  issue.row.updatedAt = at;
}

/** Discussion on the issues, `total` comments in all (cancel reasons included), by staff. */
export function demoIssueComments(ctx: DemoContext, issues: DemoIssue[], total: number): void {
  const { rnd } = ctx;
  const already = ctx.comments.filter((c) => c.subjectType === "ISSUE").length;
  const extra = spread(ctx, issues.map(() => 1), Math.max(0, total - already));
  issues.forEach((issue, i) => {
    for (let n = 0; n < extra[i]!; n++) {
      const at = between(ctx, issue.createdAt, issue.row.updatedAt as Date);
      comment(ctx, at, (issue.assignee ?? rnd.pick(ctx.staff)).id, "ISSUE", issue.id, rnd.pick(ISSUE_COMMENTS), false);
    }
  });
}

/** Links between worked tickets and issues, each once, recorded on the ticket like the links module does. */
export function demoLinks(ctx: DemoContext, tickets: DemoTicket[], issues: DemoIssue[], count: number): Row[] {
  const { rnd } = ctx;
  const worked = tickets.filter((t) => t.firstResponseAt);
  const links: Row[] = [];
  const seen = new Set<string>();
  for (let attempts = 0; links.length < count && attempts < count * 10 && worked.length && issues.length; attempts++) {
    const ticket = rnd.pick(worked);
    const issue = rnd.pick(issues);
    const pair = `${ticket.id}:${issue.id}`;
    if (seen.has(pair)) continue;
    seen.add(pair);
    const at = between(ctx, new Date(Math.max(ticket.firstResponseAt!.getTime(), issue.createdAt.getTime())), ctx.now);
    const actorId = ticket.assigneeId ?? rnd.pick(ctx.staff).id;
    links.push({ id: rnd.uuid(at), ticket: ticket.id, issue: issue.id, linkedBy: actorId, createdAt: at, updatedAt: at });
    audit(ctx, at, "TICKET_LINKED", actorId, "Ticket", ticket.id, { issueId: issue.id, issueKey: issue.key, issueTitle: issue.row.title, ticketNumber: ticket.number });
  }
  return links;
}
