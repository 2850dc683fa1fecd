import { Field, InputType, ObjectType } from "type-graphql";
import { connectionType } from "../../graphql/connection.types.js";
import { Role } from "../users/user.role.js";
import { Invitation } from "./invitation.entity.js";
import { InvitationStatus } from "./invitation.status.js";

export const InvitationConnection = connectionType(Invitation, "Invitation", "invitation");

@InputType({ description: "Narrows the invitation list." })
export class InvitationFilter {
  @Field(() => InvitationStatus, { nullable: true, description: "Only invitations in this state." })
  status?: InvitationStatus;
}

@InputType({ description: "Someone to invite." })
export class InviteUserInput {
  @Field(() => String, { description: "Their email address; CONFLICT if an account or a pending invitation has it." })
  email!: string;

  @Field(() => Role, { description: "The role their account gets." })
  role!: Role;
}

@InputType({ description: "Accepting an invitation with a password." })
export class AcceptInvitationInput {
  @Field(() => String, { description: "The token from the invitation link (the last part of the link)." })
  token!: string;

  @Field(() => String, { description: "Name shown to others (1-100 characters)." })
  displayName!: string;

  @Field(() => String, { description: "The new account's password; the password policy applies." })
  password!: string;
}

@ObjectType({ description: "What an invitation link offers, for the accept screen." })
export class InvitationPreview {
  @Field(() => String, { description: "The invited address: the new account's sign-in email." })
  email!: string;

  @Field(() => Role, { description: "The role the account will have." })
  role!: Role;

  @Field(() => Date, { description: "When the link stops working." })
  expiresAt!: Date;

  @Field(() => Boolean, { description: "Whether this address must sign in with single sign-on (no password can be set)." })
  ssoRequired!: boolean;
}
