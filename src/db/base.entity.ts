import { OptionalProps, PrimaryKey, Property } from "@mikro-orm/core";
import { Field, ID, ObjectType } from "type-graphql";
import { v7 as uuidv7 } from "uuid";

/**
 * Every table keys on a UUIDv7: time-ordered, so inserts append to the primary index
 * (no random page splits as with v4) and ids still reveal nothing guessable.
 */
// Abstract: its fields are inherited by every entity type; it is never emitted on its own.
@ObjectType()
export abstract class BaseEntity<Optional = never> {
  [OptionalProps]?: "createdAt" | "updatedAt" | Optional;

  @Field(() => ID, { description: "Stable, time-ordered identifier (UUIDv7)." })
  @PrimaryKey({ type: "uuid", length: 36 })
  id: string = uuidv7();

  @Field(() => Date, { description: "When it was created." })
  @Property({ type: "datetime", length: 3 })
  createdAt: Date = new Date();

  @Field(() => Date, { description: "When it last changed." })
  @Property({ type: "datetime", length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
