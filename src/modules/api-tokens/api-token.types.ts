import { Field, InputType, ObjectType } from "type-graphql";
import { ApiScope } from "./api-scope.js";
import { ApiToken } from "./api-token.entity.js";

@InputType({ description: "A new personal API token." })
export class CreateApiTokenInput {
  @Field(() => String, { description: "What it is for (1-100 characters, unique among your active tokens)." })
  name!: string;

  @Field(() => [ApiScope], { description: "What it may do; at least one, and only scopes your role can use." })
  scopes!: ApiScope[];

  @Field(() => Date, { description: "When it stops working: in the future, at most API_TOKEN_MAX_DAYS (default 366) days ahead." })
  expiresAt!: Date;
}

@ObjectType({ description: "A newly created API token, with its secret: shown this once, never again." })
export class CreatedApiToken {
  @Field(() => String, { description: "The secret (hd_pat_...), for `Authorization: Bearer`. Store it now: it cannot be shown again." })
  token!: string;

  @Field(() => ApiToken, { description: "The token's details." })
  apiToken!: ApiToken;
}
