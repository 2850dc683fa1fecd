import { CUSTOMER_DOMAIN, DEMO_ADMIN, FIRST_NAMES, LAST_NAMES, PROJECTS, STAFF } from "./demo-desk.text.js";
import type { DemoProject } from "./demo-desk.issues.js";
import { audit, DAY, type DemoContext, type DemoUser, type Row } from "./demo-desk.model.js";

/** The demo desk's people: three agents, one admin and `customerCount` customers, all sharing one password hash. */
export function demoUsers(ctx: DemoContext, customerCount: number, passwordHash: string): Row[] {
  const { rnd, now } = ctx;
  const rows: Row[] = [];
  const add = (role: DemoUser["role"], displayName: string, email: string, createdAt: Date): DemoUser => {
    const user = { id: rnd.uuid(createdAt), role };
    rows.push({
      id: user.id,
      email,
      displayName,
      role,
      passwordHash,
      emailVerified: true,
      lastLoginAt: null,
      failedLoginCount: 0,
      lockedUntil: null,
      deactivatedAt: null,
      createdAt,
      updatedAt: createdAt,
    });
    return user;
  };
  const staffSince = new Date(now.getTime() - 120 * DAY);
  ctx.staff.push(...STAFF.map((s, i) => add("AGENT", s.displayName, s.email, new Date(staffSince.getTime() + i * 60_000))));
  ctx.staff.push(add("ADMIN", DEMO_ADMIN.displayName, DEMO_ADMIN.email, new Date(staffSince.getTime() + STAFF.length * 60_000)));
  const taken = new Set<string>();
  for (let n = 0; n < customerCount; n++) {
    const createdAt = new Date(now.getTime() - 120 * DAY + Math.floor(((n + rnd.next()) * 30 * DAY) / customerCount));
    let first: string;
    let last: string;
    do {
      first = rnd.pick(FIRST_NAMES);
      last = rnd.pick(LAST_NAMES);
    } while (taken.has(`${first} ${last}`) && taken.size < FIRST_NAMES.length * LAST_NAMES.length);
    taken.add(`${first} ${last}`);
    // The number keeps emails unique even when names repeat.
    ctx.customers.push(add("CUSTOMER", `${first} ${last}`, `${first}.${last}.${n + 1}@${CUSTOMER_DOMAIN}`.toLowerCase(), createdAt));
  }
  return rows;
}

/** The five demo projects, led by the staff in turn; `lastIssueNumber` is filled in by demoIssues. */
export function demoProjects(ctx: DemoContext): DemoProject[] {
  const createdAt = new Date(ctx.now.getTime() - 85 * DAY);
  const admin = ctx.staff.find((s) => s.role === "ADMIN")!;
  return PROJECTS.map((p, i) => {
    const at = new Date(createdAt.getTime() + i * 60_000);
    const id = ctx.rnd.uuid(at);
    const lead = ctx.staff[i % ctx.staff.length]!;
    audit(ctx, at, "PROJECT_CREATED", admin.id, "Project", id, { key: p.key, name: p.name, leadId: lead.id });
    return {
      id,
      key: p.key,
      weight: [30, 20, 20, 15, 15][i]!,
      row: { id, key: p.key, name: p.name, description: p.description, lead: lead.id, archivedAt: null, lastIssueNumber: 0, version: 1, createdAt: at, updatedAt: at },
    };
  });
}
