/** Every keyboard shortcut of the app, for the sheet `?` opens; the screens listed handle them. */
export interface Shortcut {
  keys: string[];
  what: string;
}

export interface ShortcutGroup {
  title: string;
  /** Only shown to agents and admins. */
  staff?: boolean;
  shortcuts: Shortcut[];
}

export const SHORTCUTS: ShortcutGroup[] = [
  { title: "Anywhere", shortcuts: [{ keys: ["?"], what: "Show this list of shortcuts" }, { keys: ["Esc"], what: "Close this list or a dialog" }] },
  {
    title: "Queue",
    staff: true,
    shortcuts: [
      { keys: ["j"], what: "Next ticket" },
      { keys: ["k"], what: "Previous ticket" },
      { keys: ["Enter"], what: "Open the selected ticket" },
      { keys: ["/"], what: "Search" },
    ],
  },
  {
    title: "Ticket",
    shortcuts: [{ keys: ["r"], what: "Reply: go to the reply box" }],
  },
  {
    title: "Ticket (agents and admins)",
    staff: true,
    shortcuts: [
      { keys: ["a"], what: "Assign: go to the assignee picker" },
      { keys: ["Shift", "A"], what: "Assign the ticket to me" },
    ],
  },
];

/** The groups a person sees: customers do not get the staff screens' keys. */
export function shortcutsFor(staff: boolean): ShortcutGroup[] {
  return SHORTCUTS.filter((g) => staff || !g.staff);
}

/** Whether a key press belongs to a form control (typing) rather than to a shortcut. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** A plain key press a shortcut may take: no Ctrl, Alt or Meta, not in a text field, not handled already. */
export function isShortcutPress(event: KeyboardEvent): boolean {
  return !event.defaultPrevented && !event.altKey && !event.ctrlKey && !event.metaKey && !isTypingTarget(event.target);
}
