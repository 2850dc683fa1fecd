/**
 * Where to go after signing in: the page the user asked for (`?next=`), or their home.
 * Only in-app paths are accepted, so a crafted link cannot send anyone elsewhere.
 */
export function afterSignIn(next: string | null, role: string): string {
  if (next && /^\/(?!\/)[\w\-/.?=&%]*$/.test(next) && !next.startsWith("/signin") && !next.startsWith("/signup")) return next;
  return homeFor(role);
}

export function homeFor(role: string | undefined): string {
  return role === "AGENT" || role === "ADMIN" ? "/queue" : "/tickets";
}
