import { requireViewer, type RequestScope } from "../../core/scope.js";
import { User } from "../users/user.entity.js";
import { NotificationPreferences, type NotificationSetting } from "./notification-preferences.entity.js";

const SETTINGS: NotificationSetting[] = ["ticketReplies", "ticketResolved", "assignedTicketReplies", "watchedTickets", "mentions"];

/** Reading and changing the caller's ticket email settings; a user without a row has the defaults. */
export class NotificationPreferencesService {
  async get(scope: RequestScope): Promise<NotificationPreferences> {
    const { userId } = requireViewer(scope);
    const { em } = scope;
    return (await em.findOne(NotificationPreferences, { user: userId })) ?? em.create(NotificationPreferences, { user: em.getReference(User, userId) }, { persist: false });
  }

  async update(scope: RequestScope, changes: Partial<Record<NotificationSetting, boolean | null>>): Promise<NotificationPreferences> {
    const { userId } = requireViewer(scope);
    return scope.em.transactional(async (tx) => {
      const prefs = (await tx.findOne(NotificationPreferences, { user: userId })) ?? tx.create(NotificationPreferences, { user: tx.getReference(User, userId) });
      for (const setting of SETTINGS) {
        const value = changes[setting];
        if (typeof value === "boolean") prefs[setting] = value;
      }
      return prefs;
    });
  }
}
