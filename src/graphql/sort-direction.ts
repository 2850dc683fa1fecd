import { registerEnumType } from "type-graphql";

/** The direction of a list's `orderBy`, shared by every sortable list (its values are db/pagination's SortDirection). */
export enum SortDirection {
  ASC = "ASC",
  DESC = "DESC",
}

registerEnumType(SortDirection, {
  name: "SortDirection",
  description: "Sort order of a list.",
  valuesConfig: {
    ASC: { description: "Smallest, oldest or first in the alphabet first." },
    DESC: { description: "Largest, newest or last in the alphabet first." },
  },
});
