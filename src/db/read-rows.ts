import { raw, RawQueryFragment, ReferenceKind, type EntityClass, type EntityManager, type EntityMetadata, type FilterQuery, type QueryOrderMap } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import { selectRows } from "./select-rows.js";
import { compiledSelect, type Statement } from "./compiled-select.js";

/**
 * Read-only snapshots of entities straight from SQL rows, for hot read loaders where MikroORM's
 * hydration (entity construction, identity map, reference propagation) dominated a request's CPU
 * time. Built from the entity's metadata, so new columns come along by themselves. A snapshot
 * has the entity's prototype (its methods work) and its scalar fields; a many-to-one relation is
 * `{ id }` (enough for `ticket.requester.id`). It is not managed: never change and flush one;
 * writes load their own entities.
 */
export interface RowReader<T> {
  /** The SELECT list, columns qualified by the alias and renamed `<alias>__<column>`, so readers of joined tables never collide. */
  columns: string;
  read(row: Record<string, unknown>): T;
}

type Convert = (value: unknown) => unknown;

/**
 * A date read from the database with its ISO 8601 text already known (the text the database
 * gave, rearranged), so the API's DateTimeISO scalar need not format it again: a queue page
 * serializes hundreds of dates and `toISOString` was a twentieth of its CPU time. Read-only like
 * the snapshot it belongs to.
 */
export class StoredDate extends Date {
  constructor(
    millis: number,
    readonly iso: string,
  ) {
    super(millis);
  }
}

/** MySQL/MariaDB give DATETIME as text (MikroORM sets dateStrings) and 0/1; SQLite gives epoch milliseconds and 0/1. */
export function rowDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === "number" || typeof value === "bigint") return new Date(Number(value));
  const text = String(value);
  const millis = utcDateTimeMillis(text);
  if (millis !== null && (text.length === 23 || text.length === 19) && text.charCodeAt(0) !== 48) {
    // "2026-01-02 03:04:05.678" or without the fraction: toISOString's own text, but for the T, Z and fraction.
    return new StoredDate(millis, `${text.slice(0, 10)}T${text.slice(11, 19)}${text.length === 23 ? text.slice(19) : ".000"}Z`);
  }
  return new Date(millis ?? Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(" ", "T")}Z`));
}

const COLON = 58;
const DASH = 45;
const DOT = 46;

/**
 * "2026-01-02 03:04:05.678" (UTC here: forceUtcTimezone) read digit by digit, null for any other
 * shape. A list page reads hundreds of these; Date's own string parser took 3.5 times as long.
 */
function utcDateTimeMillis(text: string): number | null {
  const length = text.length;
  if (length < 19 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) return null;
  const separator = text.charCodeAt(10);
  if (separator !== 32 && separator !== 84) return null; // " " or "T"
  let millis = 0;
  if (length > 19) {
    if (text.charCodeAt(19) !== DOT || length === 20) return null;
    const fraction = digits(text, 20, length);
    if (fraction === null) return null;
    millis = Math.floor(fraction / 10 ** (length - 23)); // any precision down to milliseconds
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  const hour = digits(text, 11, 13);
  const minute = digits(text, 14, 16);
  const second = digits(text, 17, 19);
  if (year === null || month === null || day === null || hour === null || minute === null || second === null) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}

function digits(text: string, start: number, end: number): number | null {
  let n = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return null;
    n = n * 10 + digit;
  }
  return n;
}

const rowBoolean: Convert = (value) => (value === null || value === undefined ? value : value === true || value === 1 || value === "1" || value === 1n);
const rowNumber: Convert = (value) => (value === null || value === undefined ? value : Number(value));
const rowJson: Convert = (value) => (typeof value === "string" ? JSON.parse(value) : value);

const readers = new WeakMap<EntityMetadata, Map<string, RowReader<unknown>>>();

export function rowReader<T extends object>(em: EntityManager, entity: EntityClass<T>, alias: string): RowReader<T> {
  const meta = em.getMetadata().get<T>(entity.name);
  let byAlias = readers.get(meta as EntityMetadata);
  if (!byAlias) readers.set(meta as EntityMetadata, (byAlias = new Map()));
  let reader = byAlias.get(alias) as RowReader<T> | undefined;
  if (!reader) byAlias.set(alias, (reader = buildReader(meta, alias)));
  return reader;
}

function buildReader<T extends object>(meta: EntityMetadata<T>, alias: string): RowReader<T> {
  type Kind = "plain" | "date" | "boolean" | "number" | "json" | "reference";
  const fields: { name: string; column: string; key: string; kind: Kind; reference: string | null }[] = [];
  for (const prop of meta.props) {
    if (prop.persist === false || prop.hidden || prop.lazy || !prop.fieldNames?.length) continue;
    if (prop.kind === ReferenceKind.SCALAR) {
      const kind: Kind =
        prop.runtimeType === "Date" ? "date" : prop.runtimeType === "boolean" ? "boolean" : prop.runtimeType === "number" ? "number" : prop.runtimeType === "object" ? "json" : "plain";
      fields.push({ name: prop.name, column: prop.fieldNames[0]!, key: `${alias}__${prop.fieldNames[0]!}`, kind, reference: null });
    } else if ((prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner)) && prop.fieldNames.length === 1) {
      fields.push({ name: prop.name, column: prop.fieldNames[0]!, key: `${alias}__${prop.fieldNames[0]!}`, kind: "reference", reference: prop.targetMeta?.primaryKeys[0] ?? "id" });
    }
  }
  // MikroORM puts change-tracking setters for these properties on the entity's prototype; a
  // layer of plain data properties in between keeps assignments on the snapshot plain. A date
  // is kept as the database gave it and parsed when first read: a page reads thousands of
  // dates (every joined user's five) and shows a few hundred.
  const prototype = Object.create(meta.prototype as object) as object;
  for (const f of fields) {
    if (f.kind !== "date") {
      Object.defineProperty(prototype, f.name, { value: undefined, writable: true, configurable: true });
      continue;
    }
    const raw = rawSlot(f.name);
    const parsed = parsedSlot(f.name);
    Object.defineProperty(prototype, f.name, {
      get(this: Record<string, unknown>) {
        let value = this[parsed];
        if (value === undefined) this[parsed] = value = rowDate(this[raw]);
        return value;
      },
      set(this: Record<string, unknown>, value: unknown) {
        this[parsed] = value;
      },
      enumerable: true,
      configurable: true,
    });
  }
  return {
    columns: fields.map((f) => `${alias}.\`${f.column}\` as \`${alias}__${f.column}\``).join(", "),
    read: compileRead<T>(prototype, fields),
  };
}

const rawSlot = (name: string) => `$raw$${name}`;
const parsedSlot = (name: string) => `$date$${name}`;

/**
 * The reader as straight-line code, one assignment per column with constant names (what
 * graphql-jit does for results): a loop over the field list read every row's keys through one
 * megamorphic site and was a tenth of a queue page's CPU. Names and keys come from the entity
 * metadata and are embedded as JSON string literals.
 */
function compileRead<T>(prototype: object, fields: readonly { name: string; key: string; kind: string; reference: string | null }[]): (row: Record<string, unknown>) => T {
  const q = (text: string) => JSON.stringify(text);
  const lines = fields.map((f) => {
    const value = `row[${q(f.key)}]`;
    switch (f.kind) {
      case "reference":
        return `v = ${value}; s[${q(f.name)}] = v === null || v === undefined ? null : { ${q(f.reference!)}: v };`;
      case "date":
        return `s[${q(rawSlot(f.name))}] = ${value}; s[${q(parsedSlot(f.name))}] = undefined;`;
      case "boolean":
        return `s[${q(f.name)}] = rowBoolean(${value});`;
      case "number":
        return `s[${q(f.name)}] = rowNumber(${value});`;
      case "json":
        return `s[${q(f.name)}] = rowJson(${value});`;
      default:
        return `s[${q(f.name)}] = ${value};`;
    }
  });
  const make = new Function("prototype", "rowBoolean", "rowNumber", "rowJson", `return function read(row) {\n  let v;\n  const s = Object.create(prototype);\n  ${lines.join("\n  ")}\n  return s;\n};`);
  return make(prototype, rowBoolean, rowNumber, rowJson) as (row: Record<string, unknown>) => T;
}

/**
 * A many-to-one relation read in the same statement as its owner (a left join): each related row
 * that exists is handed to `receive` as a snapshot, typically to prime a per-request loader, so
 * showing it later costs no statement of its own.
 */
export interface SnapshotJoin {
  relation: string;
  receive(related: object): void;
}

interface CompiledJoin {
  alias: string;
  relation: string;
  reader: RowReader<object>;
  /** ` left join <table> <alias> on ...`, for hand-written statements. */
  sql: string;
  receive(related: object): void;
}

function compileJoins(em: EntityManager, meta: EntityMetadata, joins: readonly SnapshotJoin[]): CompiledJoin[] {
  return joins.map((join, i) => {
    const prop = meta.properties[join.relation];
    const target = prop?.targetMeta;
    if (!prop || !target || prop.kind !== ReferenceKind.MANY_TO_ONE) throw new Error(`${meta.className}.${join.relation} is not a many-to-one relation`);
    const alias = `j${i}`;
    const targetKey = target.properties[target.primaryKeys[0]!]!.fieldNames[0]!;
    return {
      alias,
      relation: join.relation,
      reader: rowReader(em, target.class as EntityClass<object>, alias),
      sql: ` left join \`${target.tableName}\` ${alias} on ${alias}.\`${targetKey}\` = e0.\`${prop.fieldNames[0]!}\``,
      receive: join.receive,
    };
  });
}

function readWithJoins<T extends object>(reader: RowReader<T>, joins: readonly CompiledJoin[], row: Record<string, unknown>): T {
  const snapshot = reader.read(row);
  for (const join of joins) {
    if ((snapshot as Record<string, unknown>)[join.relation]) join.receive(join.reader.read(row));
  }
  return snapshot;
}

const selectList = (reader: RowReader<object>, joins: readonly CompiledJoin[]) => [reader.columns, ...joins.map((j) => j.reader.columns)].join(", ");

/** One entity whose `property` equals `value`, as a snapshot read by hand-written SQL; null when none. */
export async function findSnapshotBy<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  property: string & keyof T,
  value: unknown,
  joins: readonly SnapshotJoin[] = [],
): Promise<T | null> {
  const meta = em.getMetadata().get<T>(entity.name);
  const reader = rowReader(em, entity, "e0");
  const joined = compileJoins(em, meta as EntityMetadata, joins);
  const column = (meta.properties as Record<string, { fieldNames: string[] }>)[property]!.fieldNames[0];
  const sql = `select ${selectList(reader, joined)} from \`${meta.tableName}\` e0${joined.map((j) => j.sql).join("")} where e0.\`${column}\` = ? limit 1`;
  const rows = await selectRows(em, sql, [value]);
  return rows[0] ? readWithJoins(reader, joined, rows[0]) : null;
}

const TOTAL = "deskql__total";

/**
 * `em.find` for read-only lists: the same filter (raw fragments included) and order, compiled by
 * MikroORM's query builder (once per filter shape, db/compiled-select.ts), the rows read as
 * snapshots instead of hydrated entities. With `countWhere` also how many rows that filter
 * matches, counted in the same statement (an uncorrelated subquery every row carries): a list
 * page and its `totalCount` in one round trip instead of two. `total` is null when there is no
 * count or the page came back empty (no row to carry it); the caller counts apart then.
 */
export async function findSnapshots<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  where: FilterQuery<T>,
  orderBy: QueryOrderMap<T>,
  limit: number,
  joins: readonly SnapshotJoin[] = [],
  countWhere?: FilterQuery<T>,
): Promise<{ nodes: T[]; total: number | null }> {
  const reader = rowReader(em, entity, "e0");
  const joined = compileJoins(em, em.getMetadata().get(entity.name) as EntityMetadata, joins);
  const compile = ([pageWhere, totalWhere]: readonly unknown[]): Statement => {
    const qb = (em as unknown as SqlEntityManager).createQueryBuilder(entity, "e0").select(raw(selectList(reader, joined)));
    for (const join of joined) qb.leftJoin(`e0.${join.relation}`, join.alias);
    qb.where(pageWhere as FilterQuery<T>).orderBy(orderBy).limit(limit);
    const page = { sql: qb.getQuery(), params: qb.getParams() as readonly unknown[] };
    if (totalWhere === undefined) return page;
    const count = countStatement(em, entity, totalWhere as FilterQuery<T>);
    if (!page.sql.startsWith("select ")) throw new Error(`unexpected statement shape: ${page.sql.slice(0, 40)}`);
    // The count's placeholders come first in the text, so its parameters come first.
    return { sql: `select (${count.sql}) as \`${TOTAL}\`, ${page.sql.slice("select ".length)}`, params: [...count.params, ...page.params] };
  };
  const scope = `${entity.name}|${JSON.stringify(orderBy)}|${limit}|${joins.map((j) => j.relation).join(",")}|${em.getPlatform().constructor.name}`;
  const filters = countWhere === undefined ? [where] : [where, countWhere];
  const rawOrder = Object.keys(orderBy).some((key) => RawQueryFragment.isKnownFragment(key));
  const { sql, params } = rawOrder ? compile(filters) : compiledSelect(scope, filters, compile);
  const rows = await selectRows(em, sql, params);
  const total = countWhere !== undefined && rows[0] ? Number(rows[0][TOTAL]) : null;
  return { nodes: rows.map((row) => readWithJoins(reader, joined, row)), total };
}

/** `em.count(entity, where)`'s statement (distinct ids when the filter joins a to-many relation, as MikroORM counts), not run. */
function countStatement<T extends object>(em: EntityManager, entity: EntityClass<T>, where: FilterQuery<T>): { sql: string; params: readonly unknown[] } {
  const qb = (em as unknown as SqlEntityManager).createQueryBuilder(entity, "n0").where(where);
  qb.processPopulateHint();
  qb.count(undefined, (qb as unknown as { hasToManyJoins(): boolean }).hasToManyJoins());
  return { sql: qb.getQuery(), params: qb.getParams() };
}
