import { allow, isAdmin, isAuthenticated } from "../../graphql/rules.js";

/** The outbox holds other people's sign-in and reset links: admins only. */
export const mailRules = {
  Query: { outbox: isAdmin },
  OutboxMessage: { "*": allow }, // reachable only through the admin-only outbox
  OutboxMessageConnection: { "*": allow },
  OutboxMessageEdge: { "*": allow },
};

/** Each user reads and changes only their own settings (the resolver uses the viewer's id). */
export const notificationPreferencesRules = {
  Query: { notificationPreferences: isAuthenticated },
  Mutation: { updateNotificationPreferences: isAuthenticated },
  NotificationPreferences: { "*": allow },
};
