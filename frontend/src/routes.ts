import type { Component } from "svelte";
import Account from "./features/account/Account.svelte";
import AuditTrail from "./features/admin/AuditTrail.svelte";
import Users from "./features/admin/Users.svelte";
import UserPage from "./features/admin/UserPage.svelte";
import SecurityDashboard from "./features/admin/SecurityDashboard.svelte";
import AgentDashboard from "./features/dashboard/AgentDashboard.svelte";
import NewWebhook from "./features/admin/webhooks/NewWebhook.svelte";
import WebhookPage from "./features/admin/webhooks/WebhookPage.svelte";
import Webhooks from "./features/admin/webhooks/Webhooks.svelte";
import Jobs from "./features/admin/jobs/Jobs.svelte";
import AutomationRules from "./features/admin/automation/AutomationRules.svelte";
import ForgotPassword from "./features/auth/ForgotPassword.svelte";
import ResetPassword from "./features/auth/ResetPassword.svelte";
import SignIn from "./features/auth/SignIn.svelte";
import SecondStep from "./features/auth/SecondStep.svelte";
import EnrolRequired from "./features/auth/EnrolRequired.svelte";
import SignInLink from "./features/auth/SignInLink.svelte";
import AcceptInvitation from "./features/auth/AcceptInvitation.svelte";
import SsoComplete from "./features/auth/SsoComplete.svelte";
import SignUp from "./features/auth/SignUp.svelte";
import VerifyEmail from "./features/auth/VerifyEmail.svelte";
import IssuePage from "./features/projects/IssuePage.svelte";
import ProjectBoard from "./features/projects/ProjectBoard.svelte";
import Projects from "./features/projects/Projects.svelte";
import MyTickets from "./features/tickets/MyTickets.svelte";
import NewTicket from "./features/tickets/NewTicket.svelte";
import Queue from "./features/tickets/Queue.svelte";
import TicketPage from "./features/tickets/TicketPage.svelte";
import RepliesAndMacros from "./features/macros/RepliesAndMacros.svelte";
import { matchPath } from "./lib/router/hash-location.ts";
import Organisations from "./features/admin/organisations/Organisations.svelte";
import OrganisationPage from "./features/admin/organisations/OrganisationPage.svelte";

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
  // The second sign-in step: "anyone", as the page itself signs in before it is done.
  { pattern: "/signin/second-step", component: SecondStep, title: "Two-factor authentication", access: "anyone" },
  { pattern: "/signin/enrol", component: EnrolRequired, title: "Set up two-factor authentication", access: "anyone" },
  { pattern: "/signup", component: SignUp, title: "Create account", access: "guest" },
  { pattern: "/forgot-password", component: ForgotPassword, title: "Forgot password", access: "guest" },
  { pattern: "/reset-password/:token", component: ResetPassword, title: "Choose a new password", access: "anyone" },
  { pattern: "/verify-email/:token", component: VerifyEmail, title: "Verify email", access: "anyone" },
  { pattern: "/sign-in-link/:token", component: SignInLink, title: "Signing in", access: "anyone" },
  { pattern: "/invitation/:token", component: AcceptInvitation, title: "Accept invitation", access: "anyone" },
  { pattern: "/sso-complete", component: SsoComplete, title: "Signing in", access: "anyone" },
  { pattern: "/tickets", component: MyTickets, title: "Tickets", access: "signed-in" },
  { pattern: "/tickets/new", component: NewTicket, title: "New ticket", access: "signed-in" },
  { pattern: "/tickets/:id", component: TicketPage, title: "Ticket", access: "signed-in" },
  { pattern: "/queue", component: Queue, title: "Queue", access: "staff" },
  { pattern: "/organisations", component: Organisations, title: "Organisations", access: "staff" },
  { pattern: "/organisations/:id", component: OrganisationPage, title: "Organisation", access: "staff" },
  { pattern: "/projects", component: Projects, title: "Projects", access: "staff" },
  { pattern: "/projects/:key", component: ProjectBoard, title: "Project board", access: "staff" },
  { pattern: "/issues/:key", component: IssuePage, title: "Issue", access: "staff" },
  { pattern: "/admin/users", component: Users, title: "Users", access: "admin" },
  { pattern: "/admin/users/:id", component: UserPage, title: "User", access: "admin" },
  { pattern: "/admin/security", component: SecurityDashboard, title: "Security", access: "admin" },
  { pattern: "/dashboard", component: AgentDashboard, title: "Dashboard", access: "staff" },
  { pattern: "/admin/audit", component: AuditTrail, title: "Audit trail", access: "admin" },
  { pattern: "/admin/webhooks", component: Webhooks, title: "Webhooks", access: "admin" },
  { pattern: "/admin/webhooks/new", component: NewWebhook, title: "New webhook", access: "admin" },
  { pattern: "/admin/webhooks/:id", component: WebhookPage, title: "Webhook", access: "admin" },
  { pattern: "/admin/jobs", component: Jobs, title: "Jobs", access: "admin" },
  { pattern: "/admin/automation", component: AutomationRules, title: "Automation", access: "admin" },
  { pattern: "/replies", component: RepliesAndMacros, title: "Replies and macros", access: "staff" },
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
