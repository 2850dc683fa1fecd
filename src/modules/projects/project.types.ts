import { Field, ID, InputType, registerEnumType } from "type-graphql";
import { connectionType } from "../../graphql/connection.types.js";
import { SortDirection } from "../../graphql/sort-direction.js";
import { Project } from "./project.entity.js";

export const ProjectConnection = connectionType(Project, "Project", "project");

@InputType({ description: "A new project. Admins only." })
export class CreateProjectInput {
  @Field(() => String, { description: "Unique key of 2-10 capital letters A-Z (e.g. OPS); prefixes issue keys and never changes." })
  key!: string;

  @Field(() => String, { description: "Display name (1-100 characters)." })
  name!: string;

  @Field(() => String, { nullable: true, description: "What the project is about, as Markdown (up to 5,000 characters)." })
  description?: string | null;

  @Field(() => ID, { nullable: true, description: "The lead: an agent or admin. Defaults to the admin creating the project." })
  leadId?: string | null;
}

@InputType({ description: "Changes to a project; omitted fields stay as they are. The key never changes." })
export class UpdateProjectInput {
  @Field(() => String, { nullable: true, description: "New display name (1-100 characters)." })
  name?: string | null;

  @Field(() => String, { nullable: true, description: "New description as Markdown; null or an empty string clears it." })
  description?: string | null;

  @Field(() => ID, { nullable: true, description: "New lead (an agent or admin); null removes the lead." })
  leadId?: string | null;
}

@InputType({ description: "Narrows the project list." })
export class ProjectFilter {
  @Field(() => Boolean, { nullable: true, description: "true: only archived projects; false: only active ones; omitted: both." })
  archived?: boolean;

  @Field(() => String, { nullable: true, description: "Matches the start of the key or any part of the name (case-insensitive)." })
  search?: string;
}

export enum ProjectOrderField {
  KEY = "KEY",
  NAME = "NAME",
  CREATED_AT = "CREATED_AT",
}

registerEnumType(ProjectOrderField, {
  name: "ProjectOrderField",
  description: "What a project list is sorted by.",
  valuesConfig: {
    KEY: { description: "The project key, alphabetically." },
    NAME: { description: "The display name, alphabetically." },
    CREATED_AT: { description: "When the project was created." },
  },
});

@InputType({ description: "How to sort projects." })
export class ProjectOrder {
  @Field(() => ProjectOrderField, { description: "The sort key." })
  field!: ProjectOrderField;

  @Field(() => SortDirection, { description: "Ascending or descending." })
  direction!: SortDirection;
}
