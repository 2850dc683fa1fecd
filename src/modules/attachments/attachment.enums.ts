import { registerEnumType } from "type-graphql";

/** What an attachment belongs to; an upload not yet attached belongs to nothing. */
export enum AttachmentParentType {
  TICKET = "TICKET",
  COMMENT = "COMMENT",
  ISSUE = "ISSUE",
}

registerEnumType(AttachmentParentType, {
  name: "AttachmentParentType",
  description: "What an attachment belongs to.",
  valuesConfig: {
    TICKET: { description: "A ticket (attached when it was opened)." },
    COMMENT: { description: "A comment or internal note, on a ticket or an issue." },
    ISSUE: { description: "An issue (attached when it was created)." },
  },
});
