import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { connectionType } from "../../graphql/connection.types.js";
import { Issue } from "./issue.entity.js";
import { Priority } from "../../graphql/priority.js";
import { SortDirection } from "../../graphql/sort-direction.js";
import { IssueStatus } from "./issue.enums.js";

export const IssueConnection = connectionType(Issue, "Issue", "issue");

@ObjectType({ description: "How many issues are in one status (a board column's count)." })
export class IssueStatusCount {
  @Field(() => IssueStatus, { description: "The status." })
  status!: IssueStatus;

  @Field(() => Int, { description: "How many issues are in it." })
  count!: number;
}

@InputType({ description: "A new issue; it starts in TODO." })
export class CreateIssueInput {
  @Field(() => ID, { description: "The project it belongs to (not archived)." })
  projectId!: string;

  @Field(() => String, { description: "One-line summary (1-200 characters)." })
  title!: string;

  @Field(() => String, { nullable: true, description: "What needs doing, as Markdown (up to 20,000 characters)." })
  description?: string | null;

  @Field(() => Priority, { nullable: true, description: "Defaults to NORMAL." })
  priority?: Priority | null;

  @Field(() => ID, { nullable: true, description: "Makes it a sub-issue of this open issue of the same project." })
  parentId?: string | null;

  @Field(() => ID, { nullable: true, description: "Who works on it: an agent or admin." })
  assigneeId?: string | null;

  @Field(() => [ID], { nullable: true, description: "Ids of the caller's own uploads (POST /uploads) to attach, at most 20." })
  attachmentIds?: string[] | null;
}

@InputType({ description: "Changes to an issue; omitted fields stay as they are. Assignee and status have their own mutations." })
export class UpdateIssueInput {
  @Field(() => String, { nullable: true, description: "New summary (1-200 characters)." })
  title?: string | null;

  @Field(() => String, { nullable: true, description: "New description as Markdown (up to 20,000 characters); an empty string clears it." })
  description?: string | null;

  @Field(() => Priority, { nullable: true, description: "New priority." })
  priority?: Priority | null;

  @Field(() => ID, { nullable: true, description: "New parent issue (same project, no cycles, limited depth); null makes it top-level." })
  parentId?: string | null;
}

@InputType({ description: "Narrows issues by assignee: set exactly one field." })
export class IssueAssigneeFilter {
  @Field(() => ID, { nullable: true, description: "Only issues assigned to this user." })
  userId?: string;

  @Field(() => Boolean, { nullable: true, description: "true: only issues nobody is assigned to." })
  unassigned?: boolean;

  @Field(() => Boolean, { nullable: true, description: "true: only issues assigned to the viewer." })
  me?: boolean;
}

@InputType({ description: "Narrows an issue list; all given conditions must hold." })
export class IssueFilter {
  @Field(() => ID, { nullable: true, description: "Only issues of this project." })
  projectId?: string;

  @Field(() => [IssueStatus], { nullable: true, description: "Only issues in one of these statuses." })
  status?: IssueStatus[];

  @Field(() => [Priority], { nullable: true, description: "Only issues with one of these priorities." })
  priority?: Priority[];

  @Field(() => IssueAssigneeFilter, { nullable: true, description: "Only issues with this assignee (or none)." })
  assignee?: IssueAssigneeFilter;

  @Field(() => ID, { nullable: true, description: "Only the sub-issues of this issue." })
  parentId?: string;

  @Field(() => [String], { nullable: true, description: "Only issues with any of these tags, case-insensitively (at most 20; an empty list matches nothing)." })
  tags?: string[];

  @Field(() => Date, { nullable: true, description: "Only issues created after this time." })
  createdAfter?: Date;

  @Field(() => Date, { nullable: true, description: "Only issues created before this time." })
  createdBefore?: Date;

  @Field(() => Date, { nullable: true, description: "Only issues changed after this time." })
  updatedAfter?: Date;

  @Field(() => String, { nullable: true, description: "Matches any part of the title (case-insensitive), or the exact key such as OPS-12." })
  search?: string;
}

export enum IssueOrderField {
  CREATED_AT = "CREATED_AT",
  UPDATED_AT = "UPDATED_AT",
  PRIORITY = "PRIORITY",
}

registerEnumType(IssueOrderField, {
  name: "IssueOrderField",
  description: "What an issue list is sorted by; ties go by creation.",
  valuesConfig: {
    CREATED_AT: { description: "When the issue was created." },
    UPDATED_AT: { description: "When the issue last changed." },
    PRIORITY: { description: "Priority, LOW < NORMAL < HIGH < URGENT." },
  },
});

@InputType({ description: "How to sort issues." })
export class IssueOrder {
  @Field(() => IssueOrderField, { description: "The sort key." })
  field!: IssueOrderField;

  @Field(() => SortDirection, { description: "Ascending or descending." })
  direction!: SortDirection;
}
