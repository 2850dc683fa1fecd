import { RawQueryFragment } from "@mikro-orm/core";
import { LRUCache } from "lru-cache";

/**
 * Statements compiled by MikroORM's query builder, kept by the shape of their filter so the next
 * request with the same shape skips the builder: its criteria walk and knex's compilation cost a
 * queue page about a millisecond of CPU (bench/RESULTS.md), for SQL that differs only in values.
 *
 * A filter's strings become numbered placeholders (sentinels) before it is compiled; what comes
 * back says, for every parameter of the statement, which value of the filter it is. A compiled
 * statement is kept only when that is certain: every sentinel came back as a parameter exactly as
 * it went in (a type that converted it, or inlined it into the text, makes the filter
 * uncacheable), and a filter holding anything but plain data (raw SQL fragments, class
 * instances, functions) is never cached. Numbers, booleans, null and dates stay part of the shape.
 */
export interface Statement {
  sql: string;
  params: readonly unknown[];
}

type Slot = { value: number } | { constant: unknown };

interface Compiled {
  sql: string;
  slots: readonly Slot[];
}

const SENTINEL = "\u0001deskql-value:";
const cache = new LRUCache<string, Compiled | false>({ max: 500 });

/** Counts for the tests and the benchmark: compilations and reuses since the process started. */
export const compiledSelectStats = { compiled: 0, reused: 0, uncacheable: 0 };

/**
 * The statement for `filters` (each compiled by `compile`, in order), from the cache when a filter
 * of the same shape was compiled before. `scope` names everything else that shapes the statement
 * (entity, order, limit, joins).
 */
export function compiledSelect(scope: string, filters: readonly unknown[], compile: (filters: readonly unknown[]) => Statement): Statement {
  const values: string[] = [];
  const shapes: unknown[] = [];
  for (const filter of filters) {
    const shape = parametrize(filter, values);
    if (shape === UNCACHEABLE) return compile(filters);
    shapes.push(shape);
  }
  const key = `${scope}\u0000${JSON.stringify(shapes)}`;
  const found = cache.get(key);
  if (found === false) {
    compiledSelectStats.uncacheable++;
    return compile(filters);
  }
  if (found) {
    compiledSelectStats.reused++;
    return { sql: found.sql, params: found.slots.map((slot) => ("value" in slot ? values[slot.value] : slot.constant)) };
  }
  compiledSelectStats.compiled++;
  const withSentinels = compile(shapes.map((shape) => revive(shape)));
  const compiled = slotsOf(withSentinels, values.length);
  cache.set(key, compiled ?? false);
  if (!compiled) {
    compiledSelectStats.uncacheable++;
    return compile(filters);
  }
  return { sql: compiled.sql, params: compiled.slots.map((slot) => ("value" in slot ? values[slot.value] : slot.constant)) };
}

const UNCACHEABLE = Symbol("uncacheable");

/** The filter with every string replaced by a sentinel (its value pushed to `values`), dates tagged; UNCACHEABLE if it holds anything else. */
function parametrize(value: unknown, values: string[]): unknown {
  if (value === null || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "string") {
    values.push(value);
    return `${SENTINEL}${values.length - 1}`;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? UNCACHEABLE : { "\u0001date": value.toISOString() };
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const shape = parametrize(item, values);
      if (shape === UNCACHEABLE) return UNCACHEABLE;
      items.push(shape);
    }
    return items;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (key.startsWith("\u0001") || RawQueryFragment.isKnownFragment(key)) return UNCACHEABLE;
      const shape = parametrize((value as Record<string, unknown>)[key], values);
      if (shape === UNCACHEABLE) return UNCACHEABLE;
      out[key] = shape;
    }
    return out;
  }
  return UNCACHEABLE;
}

/** The shape as a filter again: dates as Date objects, sentinels as they are. */
function revive(shape: unknown): unknown {
  if (Array.isArray(shape)) return shape.map(revive);
  if (shape !== null && typeof shape === "object") {
    const date = (shape as Record<string, unknown>)["\u0001date"];
    if (typeof date === "string") return new Date(date);
    return Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, revive(value)]));
  }
  return shape;
}

function slotsOf(statement: Statement, valueCount: number): Compiled | null {
  if (statement.sql.includes(SENTINEL)) return null;
  const seen = new Set<number>();
  const slots = statement.params.map((param): Slot => {
    if (typeof param === "string" && param.startsWith(SENTINEL)) {
      const index = Number(param.slice(SENTINEL.length));
      seen.add(index);
      return { value: index };
    }
    if (typeof param === "string" && param.includes(SENTINEL)) return { value: -1 };
    return { constant: param };
  });
  if (seen.size !== valueCount || slots.some((slot) => "value" in slot && slot.value < 0)) return null;
  return { sql: statement.sql, slots };
}
