import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "An identity provider people may sign in with (single sign-on)." })
export class SignInProvider {
  @Field(() => String, { description: "The provider's id; the browser starts a sign-in at /auth/oidc/<id>/start." })
  id!: string;

  @Field(() => String, { description: "The name on the button, e.g. \"Acme Okta\"." })
  displayName!: string;
}
