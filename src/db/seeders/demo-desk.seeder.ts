import type { EntityManager } from "@mikro-orm/core";
import { Seeder } from "@mikro-orm/seeder";
import { loadConfig, type AppConfig } from "../../config.js";
import { AuditEvent } from "../../modules/audit/audit-event.entity.js";
import { PasswordHasher } from "../../modules/auth/password.hasher.js";
import { Comment } from "../../modules/comments/comment.entity.js";
import { Issue } from "../../modules/issues/issue.entity.js";
import { TicketIssueLink } from "../../modules/links/ticket-issue-link.entity.js";
import { Project } from "../../modules/projects/project.entity.js";
import { Counter } from "../counter.entity.js";
import { Ticket } from "../../modules/tickets/ticket.entity.js";
import { User } from "../../modules/users/user.entity.js";
import { demoIssueComments, demoIssues, demoLinks } from "./demo-desk.issues.js";
import type { DemoContext, Row } from "./demo-desk.model.js";
import { demoProjects, demoUsers } from "./demo-desk.people.js";
import { demoTicketComments, demoTickets } from "./demo-desk.tickets.js";
import { DEMO_ADMIN, PROJECTS, STAFF } from "./demo-desk.text.js";
import { SeededRandom } from "./seeded-random.js";

/**
 * Every demo user (agents, the demo admin, customers) signs in with this password. It is
 * public on purpose: the demo desk is for trying DeskQL out and for the benchmark, never for
 * production data.
 */
export const DEMO_PASSWORD = "deskql demo passphrase";

export interface DemoDeskOptions {
  /** Same seed (and scale and `now`), same desk: every row, id and timestamp. Default 20261122. */
  seed?: number;
  /** 1 = 200 customers, 5,000 tickets, 1,000 issues, 25,000 comments; 0.02 for tests. */
  scale?: number;
  /** The moment the desk's history leads up to. Default: the start of the current hour. */
  now?: Date;
  /** SLA targets and password hashing settings; default: the environment's (loadConfig). */
  config?: Pick<AppConfig, "sla" | "passwords">;
  /** Print nothing (tests). */
  quiet?: boolean;
}

export interface DemoDeskSummary {
  users: number;
  projects: number;
  tickets: number;
  issues: number;
  comments: number;
  links: number;
  auditEvents: number;
}

/** Rows per INSERT: well under MariaDB's placeholder and packet limits for our widest table. */
const BATCH = 500;

/**
 * A realistic service desk for demos and the benchmark (`npm run db:seed`): 3 agents, an admin,
 * customers who open tickets over the last 90 days, five projects with issues and sub-issues,
 * conversations with internal notes, ticket-issue links and the audit trail all of that would
 * have written. Generated in memory from a seeded PRNG, then bulk-inserted in one transaction;
 * one password hash serves every user. Ticket numbers continue the desk's counter and each
 * project's issue counter ends at its last issue, so the modules carry on where the seed stops.
 */
export class DemoDeskSeeder extends Seeder {
  summary: DemoDeskSummary | null = null;

  constructor(private readonly options: DemoDeskOptions = {}) {
    super();
  }

  async run(em: EntityManager): Promise<void> {
    const started = Date.now();
    const { seed = 20261122, scale = 1, quiet = false } = this.options;
    const now = this.options.now ?? new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const config = this.options.config ?? loadConfig();
    const say = (line: string) => quiet || process.stdout.write(`${line}\n`);

    if (await em.count(User, { email: DEMO_ADMIN.email })) {
      say(`The demo desk is already there (${DEMO_ADMIN.email} exists); nothing seeded.`);
      return;
    }
    const clashing = await em.find(Project, { key: { $in: PROJECTS.map((p) => p.key) } }, { fields: ["key"] });
    if (clashing.length) throw new Error(`Cannot seed the demo desk: project keys ${clashing.map((p) => p.key).join(", ")} are taken.`);

    const passwordHash = await new PasswordHasher(config.passwords).hash(DEMO_PASSWORD);
    const counter = await em.findOne(Counter, { name: "ticket" });
    const ctx: DemoContext = { rnd: new SeededRandom(seed), now, sla: config.sla, customers: [], staff: [], auditEvents: [], comments: [] };
    const count = (n: number) => Math.max(1, Math.round(n * scale));

    const users = demoUsers(ctx, Math.max(3, Math.round(200 * scale)), passwordHash);
    const projects = demoProjects(ctx);
    const tickets = demoTickets(ctx, count(5000), (counter?.value ?? 0) + 1);
    const issues = demoIssues(ctx, projects, count(1000));
    const totalComments = count(25_000);
    const issueComments = Math.round(totalComments * 0.1);
    demoTicketComments(ctx, tickets, totalComments - issueComments);
    demoIssueComments(ctx, issues, issueComments);
    const links = demoLinks(ctx, tickets, issues, count(1000));

    await em.transactional(async (tx) => {
      await insertAll(tx, User, users);
      await insertAll(tx, Project, projects.map((p) => p.row));
      await insertAll(tx, Ticket, tickets.map((t) => t.row));
      await insertAll(tx, Issue, issues.map((i) => i.row));
      await insertAll(tx, Comment, ctx.comments);
      await insertAll(tx, TicketIssueLink, links);
      await insertAll(tx, AuditEvent, ctx.auditEvents);
      await tx.upsert(Counter, { name: "ticket", value: tickets.at(-1)!.number });
    });

    this.summary = {
      users: users.length,
      projects: projects.length,
      tickets: tickets.length,
      issues: issues.length,
      comments: ctx.comments.length,
      links: links.length,
      auditEvents: ctx.auditEvents.length,
    };
    const s = this.summary;
    say(`Seeded the demo desk in ${((Date.now() - started) / 1000).toFixed(1)} s: ${s.users} users, ${s.projects} projects, ${s.tickets} tickets, ${s.issues} issues, ${s.comments} comments, ${s.links} links.`);
    say(`Sign in as ${STAFF[0].email} (agent), ${DEMO_ADMIN.email} (admin) or any customer, with the password: ${DEMO_PASSWORD}`);
  }
}

async function insertAll(em: EntityManager, entity: new () => object, rows: Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await em.insertMany(entity, rows.slice(i, i + BATCH) as never[]);
  }
}
