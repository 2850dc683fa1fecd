import { Field, InputType } from "type-graphql";

@InputType({ description: "Changes to the caller's own profile; omitted fields stay as they are." })
export class UpdateMyProfileInput {
  @Field(() => String, { nullable: true, description: "The name shown to others: one line, 1-100 characters (spaces collapsed, as at registration)." })
  displayName?: string;
}
