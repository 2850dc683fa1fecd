import { SpanKind, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import type { Orm } from "../../db/orm.js";
import { selectRowsTracing } from "../../db/select-rows.js";

const tracer = trace.getTracer("deskql");

interface KnexQuery {
  __knexQueryUid?: string;
  sql?: string;
}
interface KnexEvents {
  on(event: "query", fn: (query: KnexQuery) => void): void;
  on(event: "query-response", fn: (response: unknown, query: KnexQuery) => void): void;
  on(event: "query-error", fn: (error: unknown, query: KnexQuery) => void): void;
}

/**
 * The statement's text without its values: MikroORM inlines the parameters of raw statements
 * into the SQL, and a trace must not carry what the rows hold (emails, ticket text).
 */
export function statementShape(sql: string): string {
  return sql
    .replace(/'(?:[^'\\]|\\.|'')*'/g, "?")
    .replace(/\b\d+(?:\.\d+)?\b/g, "?")
    .slice(0, 2000);
}

/** `SELECT tickets`, `INSERT domain_events`: the verb and the first table named. */
function spanName(shape: string): string {
  const verb = /^\s*(\w+)/.exec(shape)?.[1]?.toUpperCase() ?? "SQL";
  const table = /\b(?:from|into|update|join)\s+[`"]?(\w+)/i.exec(shape)?.[1];
  return table ? `${verb} ${table}` : verb;
}

/**
 * A client span per SQL statement sent inside a traced request or job (never for the workers'
 * polls outside one), from knex's events: they fire in the caller's async context, where the
 * active span is the request's. Statements of db/select-rows.ts's fast path, which bypasses knex,
 * report themselves through `selectRowsTracing`.
 */
export function traceSql(orm: Orm, system: "mysql" | "sqlite"): void {
  const knex = (orm.em.getConnection() as unknown as { getKnex(): KnexEvents }).getKnex();
  const open = new Map<string, Span>();
  knex.on("query", (query) => {
    if (!trace.getActiveSpan()?.isRecording()) return;
    const shape = statementShape(query.sql ?? "");
    const span = tracer.startSpan(spanName(shape), { kind: SpanKind.CLIENT, attributes: { "db.system.name": system, "db.query.text": shape } });
    // A transaction's BEGIN, COMMIT and ROLLBACK carry no query id, and knex reports no answer to them: marked where sent.
    if (query.__knexQueryUid) open.set(query.__knexQueryUid, span);
    else span.end();
  });
  const end = (query: KnexQuery, error?: unknown) => {
    const span = query.__knexQueryUid ? open.get(query.__knexQueryUid) : undefined;
    if (!span) return;
    open.delete(query.__knexQueryUid!);
    if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as { code?: string }).code ?? "error" });
    span.end();
  };
  knex.on("query-response", (_response, query) => end(query));
  knex.on("query-error", (error, query) => end(query, error ?? true));
  selectRowsTracing.statement = (sql) => {
    if (!trace.getActiveSpan()?.isRecording()) return () => {};
    const shape = statementShape(sql);
    const span = tracer.startSpan(spanName(shape), { kind: SpanKind.CLIENT, attributes: { "db.system.name": system, "db.query.text": shape } });
    return (error) => {
      if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as { code?: string }).code ?? "error" });
      span.end();
    };
  };
}

/** Stops the fast path's spans (the server stops; tests start another in the same process). */
export function untraceSql(): void {
  selectRowsTracing.statement = null;
}
