import { isStaff, Role, type Viewer } from "../../core/identity.js";
import type { SavedView } from "./saved-view.entity.js";

/** Personal views: their owner only. Shared views: every agent and admin (never customers). */
export function canSeeView(view: SavedView, viewer: Viewer): boolean {
  return view.shared ? isStaff(viewer.role) : view.owner.id === viewer.userId;
}

/** Personal views: their owner. Shared views: admins. */
export function canEditView(view: SavedView, viewer: Viewer): boolean {
  return view.shared ? viewer.role === Role.ADMIN : view.owner.id === viewer.userId;
}
