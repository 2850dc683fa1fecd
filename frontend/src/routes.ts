import type { Component } from "svelte";
import Account from "./features/account/Account.svelte";
import AuditTrail from "./features/admin/AuditTrail.svelte";
import Users from "./features/admin/Users.svelte";
import ForgotPassword from "./features/auth/ForgotPassword.svelte";
import ResetPassword from "./features/auth/ResetPassword.svelte";
import SignIn from "./features/auth/SignIn.svelte";
import SignInLink from "./features/auth/SignInLink.svelte";
import SignUp from "./features/auth/SignUp.svelte";
import VerifyEmail from "./features/auth/VerifyEmail.svelte";
import IssuePage from "./features/projects/IssuePage.svelte";
import ProjectBoard from "./features/projects/ProjectBoard.svelte";
import Projects from "./features/projects/Projects.svelte";
import MyTickets from "./features/tickets/MyTickets.svelte";
import NewTicket from "./features/tickets/NewTicket.svelte";
import Queue from "./features/tickets/Queue.svelte";
import TicketPage from "./features/tickets/TicketPage.svelte";
import { matchPath } from "./lib/router/hash-location.ts";

/**
 * Who may open a route; the server enforces the same rules; this only avoids dead ends.
 * "anyone": signed in or not, e.g. the pages that emailed links open.
 */
export type Access = "guest" | "anyone" | "signed-in" | "staff" | "admin";

export interface RouteProps {
  params: Record<string, string>;
}

export interface RouteDef {
  pattern: string;
  /** Pages with `:name` segments in their pattern read them from `params`. */
  component: Component<RouteProps> | Component<Record<string, never>>;
  title: string;
  access: Access;
}

export const routes: RouteDef[] = [
  { pattern: "/signin", component: SignIn, title: "Sign in", access: "guest" },
  { pattern: "/signup", component: SignUp, title: "Create account", access: "guest" },
  { pattern: "/forgot-password", component: ForgotPassword, title: "Forgot password", access: "guest" },
  { pattern: "/reset-password/:token", component: ResetPassword, title: "Choose a new password", access: "anyone" },
  { pattern: "/verify-email/:token", component: VerifyEmail, title: "Verify email", access: "anyone" },
  { pattern: "/sign-in-link/:token", component: SignInLink, title: "Signing in", access: "anyone" },
  { pattern: "/tickets", component: MyTickets, title: "Tickets", access: "signed-in" },
  { pattern: "/tickets/new", component: NewTicket, title: "New ticket", access: "signed-in" },
  { pattern: "/tickets/:id", component: TicketPage, title: "Ticket", access: "signed-in" },
  { pattern: "/queue", component: Queue, title: "Queue", access: "staff" },
  { pattern: "/projects", component: Projects, title: "Projects", access: "staff" },
  { pattern: "/projects/:key", component: ProjectBoard, title: "Project board", access: "staff" },
  { pattern: "/issues/:key", component: IssuePage, title: "Issue", access: "staff" },
  { pattern: "/admin/users", component: Users, title: "Users", access: "admin" },
  { pattern: "/admin/audit", component: AuditTrail, title: "Audit trail", access: "admin" },
  { pattern: "/account", component: Account, title: "Account", access: "signed-in" },
];

export function findRoute(path: string): { route: RouteDef; params: Record<string, string> } | null {
  for (const route of routes) {
    const params = matchPath(route.pattern, path);
    if (params) return { route, params };
  }
  return null;
}

export function mayOpen(access: Access, role: string | undefined): boolean {
  switch (access) {
    case "guest":
      return role === undefined;
    case "anyone":
      return true;
    case "signed-in":
      return role !== undefined;
    case "staff":
      return role === "AGENT" || role === "ADMIN";
    case "admin":
      return role === "ADMIN";
  }
}
