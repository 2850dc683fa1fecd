import { Field, InputType, ObjectType } from "type-graphql";

@InputType({ description: "A canned response to create, or as it should be." })
export class CannedResponseInput {
  @Field(() => String, { description: "What it is for (1-100 characters, one line)." })
  title!: string;

  @Field(() => String, { description: "Markdown (1-10,000 characters); unknown placeholders are refused (BAD_USER_INPUT with `unknownPlaceholders`)." })
  body!: string;

  @Field(() => Boolean, { nullable: true, description: "Shared with all staff (admins only); default false, personal." })
  shared?: boolean;
}

@ObjectType({ description: "A canned response filled in for one ticket." })
export class RenderedCannedResponse {
  @Field(() => String, { description: "Its title." })
  title!: string;

  @Field(() => String, { description: "Its body with every placeholder filled." })
  body!: string;
}

@ObjectType({ description: "A placeholder canned responses and macro replies may use." })
export class CannedResponsePlaceholder {
  @Field(() => String, { description: "As written in a body, e.g. {{requester.name}}." })
  token!: string;

  @Field(() => String, { description: "What it is replaced with." })
  description!: string;
}
