/**
 * Reply drafts, one per ticket, kept in the tab's sessionStorage: they survive going to the queue
 * and back (and a reload) but not the tab, so a shared computer does not keep them for the next
 * person. Cleared when the reply is sent.
 */
export interface ReplyDraft {
  body: string;
  internal: boolean;
}

const PREFIX = "deskql.reply-draft.";

function storage(): Storage | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null; // storage disabled by the browser's privacy settings
  }
}

export function loadDraft(ticketId: string): ReplyDraft | null {
  const raw = storage()?.getItem(PREFIX + ticketId);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<ReplyDraft>;
    return typeof parsed.body === "string" && parsed.body.trim() ? { body: parsed.body, internal: parsed.internal === true } : null;
  } catch {
    return null;
  }
}

/** Keeps the draft; an empty one is forgotten. */
export function saveDraft(ticketId: string, draft: ReplyDraft): void {
  const store = storage();
  if (!store) return;
  try {
    if (draft.body.trim()) store.setItem(PREFIX + ticketId, JSON.stringify(draft));
    else store.removeItem(PREFIX + ticketId);
  } catch {
    // Quota exceeded: the draft stays in the page only.
  }
}

export function clearDraft(ticketId: string): void {
  storage()?.removeItem(PREFIX + ticketId);
}

/** The tickets with a kept draft (for the warning before the tab closes). */
export function ticketsWithDrafts(): string[] {
  const store = storage();
  if (!store) return [];
  const ids: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (key?.startsWith(PREFIX) && loadDraft(key.slice(PREFIX.length))) ids.push(key.slice(PREFIX.length));
  }
  return ids;
}

/**
 * Asks before the tab closes (or the browser leaves the app) while a draft is kept: the drafts
 * live in this tab only. Returns the remover.
 */
export function warnBeforeLosingDrafts(): () => void {
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (!ticketsWithDrafts().length) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers need it set to show the prompt
  };
  window.addEventListener("beforeunload", onBeforeUnload);
  return () => window.removeEventListener("beforeunload", onBeforeUnload);
}
