import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Priority } from "../../../src/core/priority.js";
import { Role } from "../../../src/modules/users/user.role.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { ASSIGN_TICKET, ok, openTicket, scopeAs, transition, type Ticket } from "./ticket-helpers.js";

type User = Awaited<ReturnType<TestServer["createUser"]>>;
let t: TestServer;
let cleo: User; // customer
let dan: User; // customer
let agent: User;
let tricky: Ticket;

beforeAll(async () => {
  t = await startTestServer();
  [cleo, dan, agent] = await Promise.all([t.createUser("CUSTOMER", "Cleo"), t.createUser("CUSTOMER", "=Dan"), t.createUser("AGENT", "Agent")]);
  tricky = await openTicket(t, cleo.token, { subject: 'Quote " comma, and newline', category: "=HYPERLINK(\"http://evil\")", priority: "URGENT" });
  // Subjects are one line now; a subject stored before that rule may still hold a line break.
  await t.server.orm.em.fork().getConnection().execute("update tickets set subject = ? where id = ?", ['Quote " comma, and\nnewline', tricky.id]);
  ok(await t.gql(ASSIGN_TICKET, { id: tricky.id, a: agent.id }, agent.token), "assignTicket");
  // Subjects are trimmed, so a leading tab or CR cannot reach the export through them (the unit test covers those).
  for (const subject of ["=1+2", "+SUM(A1)", "-3", "@cmd", "Plain - with dash"]) await openTicket(t, dan.token, { subject });
  const resolved = await openTicket(t, cleo.token, { subject: "Already solved" });
  await transition(t, agent.token, resolved.id, "IN_PROGRESS");
  await transition(t, agent.token, resolved.id, "RESOLVED");
  // Enough tickets to span several export batches (100 per batch).
  const { events, tickets } = t.server.services;
  await events.transaction(scopeAs(t, { id: agent.id, role: Role.AGENT }), async (tx) => {
    for (let i = 0; i < 150; i++) {
      await tickets.create(tx, {
        subject: `Bulk ${i}`,
        description: "Bulk",
        priority: Priority.LOW,
        requesterId: dan.id,
      });
    }
  });
}, 120_000);
afterAll(() => t?.close());

/** A strict RFC 4180 reader, enough to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n") {
      rows.push([...row, cell]);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

const graphql = (query: string, token: string) => ({
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
  body: JSON.stringify({ query }),
});

/** The export's columns as one `tickets` page (ticket-csv.ts). */
const EXPORT_PAGE = `{ tickets(first: 100) { nodes {
  reference subject status priority category requester { displayName email } assignee { displayName }
  createdAt updatedAt firstResponseAt resolvedAt closedAt timeToFirstResponse timeOpen slaBreached
} } }`;

async function exportCsv(token: string | null, query = "") {
  const res = await t.http(`/export/tickets.csv${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const rows = res.headers["content-type"]?.toString().startsWith("text/csv") ? parseCsv(res.text) : [];
  const [header, ...body] = rows;
  const records = body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
  return { res, header, records };
}

describe("GET /export/tickets.csv", () => {
  it("streams every ticket to an agent as CSV, across batches, newest first", async () => {
    const { res, header, records } = await exportCsv(agent.token);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="tickets.csv"');
    expect(header).toEqual([
      "reference", "subject", "status", "priority", "category", "requester", "requester_email", "assignee", "created_at", "updated_at",
      "first_response_at", "resolved_at", "closed_at", "time_to_first_response_seconds", "time_open_seconds", "sla_breached",
    ]);
    expect(records).toHaveLength(157);
    const numbers = records.map((r) => Number(r.reference!.slice(1)));
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(new Set(numbers).size).toBe(157);
  });

  it("escapes quotes, commas and newlines, and neutralises spreadsheet formulas", async () => {
    const { records } = await exportCsv(agent.token, "?orderBy=CREATED_AT&direction=ASC");
    const row = records.find((r) => r.reference === tricky.reference)!;
    expect(row).toMatchObject({
      subject: 'Quote " comma, and\nnewline',
      category: "'=HYPERLINK(\"http://evil\")",
      priority: "URGENT",
      status: "OPEN",
      requester: "Cleo",
      requester_email: cleo.email,
      assignee: "Agent",
      sla_breached: "false",
      time_to_first_response_seconds: "",
    });
    const subjects = records.filter((r) => r.requester === "'=Dan").map((r) => r.subject).slice(0, 5);
    expect(subjects).toEqual(["'=1+2", "'+SUM(A1)", "'-3", "'@cmd", "Plain - with dash"]);
  });

  it("gives customers their own tickets only", async () => {
    const { records } = await exportCsv(cleo.token);
    expect(records.map((r) => r.subject).sort()).toEqual(["Already solved", 'Quote " comma, and\nnewline']);
  });

  it("applies the list filters given as query parameters", async () => {
    const byStatus = await exportCsv(agent.token, "?status=RESOLVED,IN_PROGRESS");
    expect(byStatus.records.map((r) => r.subject)).toEqual(["Already solved"]);
    expect(byStatus.records[0]!.resolved_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    const repeated = await exportCsv(agent.token, "?priority=URGENT&priority=HIGH");
    expect(repeated.records.map((r) => r.reference)).toEqual([tricky.reference]);
    const mine = await exportCsv(agent.token, "?assignedToMe=true");
    expect(mine.records.map((r) => r.reference)).toEqual([tricky.reference]);
    const search = await exportCsv(agent.token, `?search=${encodeURIComponent("Bulk 149")}`);
    expect(search.records.map((r) => r.subject)).toContain("Bulk 149");
    const combined = await exportCsv(dan.token, "?priority=LOW&orderBy=PRIORITY&direction=ASC");
    expect(combined.records).toHaveLength(150);
  });

  it("refuses callers without a valid token", async () => {
    for (const [token, challenge] of [
      [null, "Bearer"],
      ["not-a-valid-token-at-all", 'Bearer error="invalid_token"'],
    ] as const) {
      const { res } = await exportCsv(token);
      expect(res.status).toBe(401);
      expect(res.headers["www-authenticate"]).toBe(challenge);
      expect((res.body as any).errors[0].extensions.code).toBe("UNAUTHENTICATED");
    }
  });

  it("charges the caller's query budget what paging through the same rows with `tickets` costs, 100 at a time", async () => {
    const remaining = (res: { headers: Record<string, unknown> }) => Number(res.headers["x-ratelimit-remaining"]);
    const start = remaining(await t.http("/graphql", graphql(`{ me { id } }`, agent.token)));
    const afterPage = remaining(await t.http("/graphql", graphql(EXPORT_PAGE, agent.token)));
    const pagePoints = start - afterPage;
    expect(pagePoints).toBeGreaterThan(1);

    const { res, records } = await exportCsv(agent.token);
    expect(records).toHaveLength(157); // two pages of 100
    expect(res.headers["x-ratelimit-limit"]).toBe(String(t.server.services.config.queryBudget.pointsPerHour));
    expect(remaining(res)).toBe(afterPage - 2 * pagePoints);
    expect(Number(res.headers["x-ratelimit-reset"]) * 1000).toBeGreaterThan(Date.now());

    const own = await exportCsv(cleo.token); // two tickets: one page
    const cleoBefore = remaining(await t.http("/graphql", graphql(`{ me { id } }`, cleo.token)));
    expect(remaining(await exportCsv(cleo.token).then((e) => e.res))).toBe(cleoBefore - pagePoints);
    expect(own.records).toHaveLength(2);
  });

  it("accepts a personal API token only with the tickets:read scope", async () => {
    const token = async (scopes: string[]) => {
      const res = await t.gql(`mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`, { i: { name: scopes.join(" "), scopes, expiresAt: new Date(Date.now() + 86_400_000).toISOString() } }, agent.token);
      return ok(res, "createApiToken").token as string;
    };
    const reader = await exportCsv(await token(["TICKETS_READ"]), "?priority=URGENT");
    expect(reader.records.map((r) => r.reference)).toEqual([tricky.reference]);
    const { res } = await exportCsv(await token(["ISSUES_READ"]));
    expect(res.status).toBe(403);
    expect((res.body as any).errors[0].extensions.code).toBe("FORBIDDEN");
  });

  it("answers bad parameters with 400 naming the parameter, and project filters by customers with 403", async () => {
    for (const [query, field] of [
      ["?status=SLEEPING", "status"],
      ["?createdAfter=yesterday", "createdAfter"],
      ["?slaBreached=maybe", "slaBreached"],
      ["?orderBy=NAME", "orderBy"],
      [`?search=${"x".repeat(201)}`, "query.search"],
    ]) {
      const { res } = await exportCsv(agent.token, query);
      expect(res.status, query).toBe(400);
      expect((res.body as any).errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    const { res } = await exportCsv(cleo.token, "?projectId=01a2aaaa-0000-7000-8000-000000000000");
    expect(res.status).toBe(403);
  });
});
