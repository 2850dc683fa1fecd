import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAdmin } from "../../graphql/rules.js";

/** Inviting is user administration: admins, and of API tokens those with the admin scope. */
const administration = rootField({ rule: isAdmin, scope: ApiScope.ADMIN });
/** The invitee's side is for people without an account yet: open, protected by the link's secret, on the sign-in budget. */
const inviteeFlow = rootField({ rule: allow, scope: "any", budget: "signIn" });

export const invitationRules: ModuleRules = {
  Query: { invitations: administration, invitation: rootField({ rule: allow, scope: "any" }) },
  Mutation: {
    inviteUser: administration,
    resendInvitation: administration,
    revokeInvitation: administration,
    acceptInvitation: inviteeFlow,
  },
  Invitation: { "*": allow }, // reachable only through the admin fields above
  InvitationConnection: { "*": allow },
  InvitationEdge: { "*": allow },
  InvitationPreview: { "*": allow },
};
