/**
 * The tab's title: what the page holds ("DQ-12 · Printer jams · DeskQL"), prefixed with a count
 * of live events that arrived while the tab was hidden ("(2) DQ-12 · …"), cleared when it is
 * shown again.
 */

/** "(3) Queue · DeskQL"; the title alone when nothing is unread. */
export function titleWithUnread(title: string, unread: number): string {
  return unread > 0 ? `(${unread > 99 ? "99+" : unread}) ${title}` : title;
}

let base = "DeskQL";
let unread = 0;
let listening = false;

function render(): void {
  document.title = titleWithUnread(base, unread);
}

function listen(): void {
  if (listening || typeof document === "undefined") return;
  listening = true;
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible" || unread === 0) return;
    unread = 0;
    render();
  });
}

export function setPageTitle(title: string): void {
  listen();
  base = title;
  render();
}

/** A live event reached a screen: counted while the tab is hidden, ignored while it is seen. */
export function noteLiveActivity(): void {
  listen();
  if (document.visibilityState !== "hidden") return;
  unread += 1;
  render();
}

/** How many live events arrived while the tab was hidden (for tests). */
export function unreadActivity(): number {
  return unread;
}
