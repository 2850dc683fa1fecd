import { Entity, PrimaryKey, Property } from "@mikro-orm/core";

/**
 * Named sequences (e.g. "ticket" for ticket numbers). Incrementing the row inside the creating
 * transaction takes its row lock until commit, so concurrent creates get distinct, gap-free
 * numbers on MySQL and SQLite alike (see ticket-number.ts).
 */
@Entity({ tableName: "counters" })
export class Counter {
  @PrimaryKey({ type: "string", length: 64 })
  name!: string;

  @Property({ type: "integer" })
  value: number = 0;
}
