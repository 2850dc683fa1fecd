import { ApiScope } from "../../core/identity.js";
import { rootField, type ModuleRules } from "../../graphql/root-fields.js";
import { allow, isAdmin, isAuthenticated } from "../../graphql/rules.js";

/** The outbox holds other people's sign-in and reset links: admins only. */
export const mailRules: ModuleRules = {
  Query: { outbox: rootField({ rule: isAdmin, scope: ApiScope.ADMIN }) },
  OutboxMessage: { "*": allow }, // reachable only through the admin-only outbox
  OutboxMessageConnection: { "*": allow },
  OutboxMessageEdge: { "*": allow },
};

/** Each user reads and changes only their own settings (the resolver uses the viewer's id), from a session. */
const ownSettings = rootField({ rule: isAuthenticated, scope: "session" });

export const notificationPreferencesRules: ModuleRules = {
  Query: { notificationPreferences: ownSettings },
  Mutation: { updateNotificationPreferences: ownSettings },
  NotificationPreferences: { "*": allow },
};
