import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import { payload } from "../auth/auth.resolver.js";
import { AuthPayload } from "../auth/auth.types.js";
import { requiredProviderFor } from "../auth/sso-required.js";
import { Invitation } from "./invitation.entity.js";
import { InvitationStatus } from "./invitation.status.js";
import { AcceptInvitationInput, InvitationConnection, InvitationFilter, InvitationPreview, InviteUserInput } from "./invitation.types.js";

const ID_ARG = { description: "The invitation's id." };

@Resolver(() => Invitation)
export class InvitationResolver {
  @Query(() => InvitationConnection, { description: "Invitations, newest first. Admins only." })
  invitations(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("filter", () => InvitationFilter, { nullable: true, description: "Narrows the list." }) filter: InvitationFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<Invitation>> {
    return ctx.services.invitations.list(ctx, filter, page);
  }

  @Query(() => InvitationPreview, {
    description: "What an invitation link offers. BAD_USER_INPUT with reason INVALID, ACCEPTED, REVOKED or EXPIRED when the link no longer works.",
  })
  async invitation(@Arg("token", () => String, { description: "The token from the invitation link." }) token: string, @Ctx() ctx: Context): Promise<InvitationPreview> {
    const invitation = await ctx.services.invitations.preview(ctx, token);
    const ssoRequired = requiredProviderFor(ctx.services.config, invitation.email) !== undefined;
    return { email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt, ssoRequired };
  }

  @Mutation(() => Invitation, { description: "Invites an address with a role and emails them a link (valid INVITATION_TTL_DAYS days). Admins only." })
  inviteUser(@Arg("input", () => InviteUserInput) input: InviteUserInput, @Ctx() ctx: Context): Promise<Invitation> {
    return ctx.services.invitations.invite(ctx, input.email, input.role);
  }

  @Mutation(() => Invitation, { description: "Emails a pending or expired invitation again with a new link; the older link stops working. Admins only." })
  resendInvitation(@Arg("id", () => ID, ID_ARG) id: string, @Ctx() ctx: Context): Promise<Invitation> {
    return ctx.services.invitations.resend(ctx, id);
  }

  @Mutation(() => Invitation, { description: "Withdraws an invitation: its link stops working. Admins only." })
  revokeInvitation(@Arg("id", () => ID, ID_ARG) id: string, @Ctx() ctx: Context): Promise<Invitation> {
    return ctx.services.invitations.revoke(ctx, id);
  }

  @Mutation(() => AuthPayload, {
    description:
      "Accepts an invitation: creates the account with the invited email and role, a name and a password, and signs it in. FORBIDDEN (reason SSO_REQUIRED) for addresses that must use single sign-on.",
  })
  async acceptInvitation(@Arg("input", () => AcceptInvitationInput) input: AcceptInvitationInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return payload(ctx, await ctx.services.invitations.accept(ctx, input.token, input.displayName, input.password));
  }

  @FieldResolver(() => InvitationStatus, { description: "Where the invitation stands now." })
  status(@Root() invitation: Invitation, @Ctx() ctx: Context): InvitationStatus {
    return invitation.statusAt(ctx.clock.now());
  }
}
