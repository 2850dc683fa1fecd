import { Field, InputType } from "type-graphql";
import { connectionType } from "../../graphql/connection.types.js";
import { Organisation } from "./organisation.entity.js";

export const OrganisationConnection = connectionType(Organisation, "Organisation", "organisation");

@InputType({ description: "A new organisation." })
export class CreateOrganisationInput {
  @Field(() => String, { description: "Its name, unique across the desk (1-100 characters)." })
  name!: string;

  @Field(() => [String], { nullable: true, description: "Email domains (\"example.com\", at most 20) whose new customers join it as members. A domain belongs to one organisation." })
  emailDomains?: string[] | null;

  @Field(() => String, { nullable: true, description: "Notes for the desk (up to 5,000 characters)." })
  notes?: string | null;
}

@InputType({ description: "Changes to an organisation; omitted fields stay as they are." })
export class UpdateOrganisationInput {
  @Field(() => String, { nullable: true, description: "New name (1-100 characters)." })
  name?: string | null;

  @Field(() => [String], { nullable: true, description: "The complete new list of email domains; an empty list removes them all." })
  emailDomains?: string[] | null;

  @Field(() => String, { nullable: true, description: "New notes (up to 5,000 characters)." })
  notes?: string | null;
}
