import { createAccessServices, type AccessServices } from "./access-services.js";
import type { AppConfig } from "./config.js";
import type { Orm } from "./db/orm.js";
import { AccessTokens } from "./modules/auth/access-token.js";
import { AuthService } from "./modules/auth/auth.service.js";
import { PasswordHasher } from "./modules/auth/password.hasher.js";
import { RateLimits } from "./modules/auth/rate-limits.js";
import { SessionService } from "./modules/auth/session.service.js";
import type { SigningKeys } from "./modules/auth/signing-keys.js";
import { ViewerCache } from "./modules/auth/viewer-cache.js";
import { UserService } from "./modules/users/user.service.js";
import { CommentService } from "./modules/comments/comment.service.js";
import { TicketService } from "./modules/tickets/ticket.service.js";
import { IssueTransitionService } from "./modules/issues/issue-transition.service.js";
import { IssueService } from "./modules/issues/issue.service.js";
import { LinkService } from "./modules/links/link.service.js";
import { ProjectService } from "./modules/projects/project.service.js";

/** The process-wide services, wired once at start; request state travels in the Context. */
export interface Services extends AccessServices {
  config: AppConfig;
  orm: Orm;
  keys: SigningKeys;
  accessTokens: AccessTokens;
  hasher: PasswordHasher;
  rateLimits: RateLimits;
  viewers: ViewerCache;
  sessions: SessionService;
  auth: AuthService;
  users: UserService;
  tickets: TicketService;
  comments: CommentService;
  projects: ProjectService;
  issues: IssueService;
  issueTransitions: IssueTransitionService;
  links: LinkService;
}

export function createServices(config: AppConfig, orm: Orm, keys: SigningKeys): Services {
  const caches = !config.bench.disableCaches;
  const accessTokens = new AccessTokens(keys, config.jwt, { cache: caches });
  const hasher = new PasswordHasher(config.passwords);
  const rateLimits = new RateLimits(config);
  const viewers = new ViewerCache({ enabled: caches });
  const issues = new IssueService();
  const sessions = new SessionService(config.jwt, accessTokens, viewers);
  const tickets = new TicketService(config.sla);
  return {
    config,
    orm,
    keys,
    accessTokens,
    hasher,
    rateLimits,
    viewers,
    sessions,
    auth: new AuthService(config, hasher, sessions, rateLimits),
    users: new UserService(sessions, viewers),
    ...createAccessServices(config, orm, keys, { sessions, hasher, viewers }),
    tickets,
    comments: new CommentService(tickets),
    projects: new ProjectService(),
    issues,
    issueTransitions: new IssueTransitionService(issues),
    links: new LinkService(),
  };
}
