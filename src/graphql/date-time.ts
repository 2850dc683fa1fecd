import { GraphQLScalarType } from "graphql";
import { GraphQLDateTimeISO } from "graphql-scalars";
import { StoredDate } from "../db/read-rows.js";

const standard = GraphQLDateTimeISO.toConfig();

/**
 * type-graphql's own scalar for dates (graphql-scalars' DateTimeISO: same name, description and
 * parsing), serializing a date read from the database (db/read-rows.ts) from the ISO text it
 * already carries instead of formatting it again.
 */
export const DateTimeISO = new GraphQLScalarType({
  ...standard,
  serialize(value: unknown): string {
    return value instanceof StoredDate ? value.iso : (standard.serialize(value) as string);
  },
});
