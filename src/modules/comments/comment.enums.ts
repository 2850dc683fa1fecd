import { registerEnumType } from "type-graphql";

/** What a comment is attached to: comments are polymorphic over tickets and issues. */
export enum CommentSubjectType {
  TICKET = "TICKET",
  ISSUE = "ISSUE",
}

registerEnumType(CommentSubjectType, {
  name: "CommentSubjectType",
  description: "The kind of object a comment belongs to.",
  valuesConfig: {
    TICKET: { description: "A customer's ticket." },
    ISSUE: { description: "An issue in a project (staff only)." },
  },
});
