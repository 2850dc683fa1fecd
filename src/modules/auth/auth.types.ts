import { Field, InputType, Int, ObjectType } from "type-graphql";
import { User } from "../users/user.entity.js";

@InputType({ description: "A new customer account." })
export class RegisterInput {
  @Field(() => String, { description: "Sign-in email; compared case-insensitively." })
  email!: string;

  @Field(() => String, { description: "At least 12 characters by default; not a common password; not containing the email." })
  password!: string;

  @Field(() => String, { description: "Name shown to others (1-100 characters)." })
  displayName!: string;
}

@InputType({ description: "Credentials for signing in." })
export class LoginInput {
  @Field(() => String, { description: "Sign-in email." })
  email!: string;

  @Field(() => String, { description: "The account's password." })
  password!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "For an account with an authenticator app: its current code, so that the sign-in completes in this one request instead of answering MFA_REQUIRED (for scripts and password managers that know the account has one). A wrong code counts toward the lockout like a wrong password. Ignored for an account without an authenticator app.",
  })
  totpCode?: string | null;
}

@ObjectType({ description: "Tokens for a new or renewed session." })
export class AuthPayload {
  @Field(() => String, { description: "Short-lived JWT for `Authorization: Bearer`; expires after `expiresIn` seconds." })
  accessToken!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Single-use opaque token for `refreshToken`; each use returns a new one. Null when it was set as an HttpOnly cookie instead (browser clients).",
  })
  refreshToken!: string | null;

  @Field(() => Int, { description: "Seconds until the access token expires." })
  expiresIn!: number;

  @Field(() => User, { description: "The signed-in user." })
  user!: User;
}
