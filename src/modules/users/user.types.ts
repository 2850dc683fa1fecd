import { Field, InputType } from "type-graphql";
import { connectionType } from "../../graphql/connection.types.js";
import { User } from "./user.entity.js";
import { Role } from "./user.role.js";

export const UserConnection = connectionType(User, "User", "user");

@InputType({ description: "Narrows the user list." })
export class UserFilter {
  @Field(() => Role, { nullable: true, description: "Only users with this role." })
  role?: Role;

  @Field(() => Boolean, { nullable: true, description: "true: only users locked out right now; false: only users who are not." })
  locked?: boolean;

  @Field(() => Boolean, { nullable: true, description: "true: only deactivated users; false: only active ones." })
  deactivated?: boolean;

  @Field(() => String, { nullable: true, description: "Matches the start of the email or any part of the display name (case-insensitive)." })
  search?: string;
}
