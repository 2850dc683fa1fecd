import type { AppConfig } from "./config.js";
import type { Logger } from "pino";
import type { Orm } from "./db/orm.js";
import type { SigningKeys } from "./modules/auth/signing-keys.js";
import { AccessTokens } from "./modules/auth/access-token.js";
import { subscribeAuditTrail } from "./modules/audit/audited-events.js";
import { subscribeSessionsToAccounts } from "./modules/auth/auth.subscribers.js";
import { subscribeVerificationToRegistrations } from "./modules/account/account.subscribers.js";
import { AccountEmailLimits } from "./modules/account/account.rate-limits.js";
import { ApiTokenAuthenticator } from "./modules/api-tokens/api-token.auth.js";
import { ApiTokenService } from "./modules/api-tokens/api-token.service.js";
import { AuthService } from "./modules/auth/auth.service.js";
import { BackgroundTasks } from "./modules/account/background-tasks.js";
import { CommentService } from "./modules/comments/comment.service.js";
import { DomainEvents } from "./core/events/domain-events.js";
import { EmailVerificationService } from "./modules/account/email-verification.service.js";
import { IssueService } from "./modules/issues/issue.service.js";
import { IssueTransitionService } from "./modules/issues/issue-transition.service.js";
import { LimiterStore } from "./modules/rate-limit/limiter-store.js";
import { LinkService } from "./modules/links/link.service.js";
import { MailWorker } from "./modules/mail/mail.worker.js";
import { MySessionsService } from "./modules/auth/my-sessions.service.js";
import { NotificationPreferencesService } from "./modules/mail/notification-preferences.service.js";
import { PasswordHasher } from "./modules/auth/password.hasher.js";
import { PasswordResetService } from "./modules/account/password-reset.service.js";
import { ProjectService } from "./modules/projects/project.service.js";
import { QueryBudget } from "./modules/rate-limit/query-budget.js";
import { RateLimitAudit } from "./modules/rate-limit/rate-limit.audit.js";
import { RateLimits } from "./modules/auth/rate-limits.js";
import { SecurityStatsService } from "./modules/security/security-stats.service.js";
import { SessionService } from "./modules/auth/session.service.js";
import { SignInLinkService } from "./modules/account/sign-in-link.service.js";
import { SigningKeysReloader } from "./modules/auth/signing-keys.reloader.js";
import { TicketService } from "./modules/tickets/ticket.service.js";
import { UserService } from "./modules/users/user.service.js";
import { ViewerCache } from "./modules/auth/viewer-cache.js";
import { createMailTransport } from "./modules/mail/mail.transport.js";
import { eventStore } from "./db/event-store.js";
import { Issue } from "./modules/issues/issue.entity.js";
import { subscribeTicketMail } from "./modules/mail/ticket-mail.subscriber.js";
import { subscribeTickets } from "./modules/tickets/ticket.subscribers.js";
import { systemClock, type Clock } from "./core/clock.js";

/**
 * The one composition root: every process-wide service, wired once at start (startServices and
 * stopServices bracket their background work); request state travels in the request scope
 * (core/scope.ts). Modules hear each other only through `events` (core/events): each module's
 * subscribers are registered here.
 */
export interface Services {
  config: AppConfig;
  orm: Orm;
  /** Business time; tests replace it (`services.clock = ...`) to cross expiries without sleeping. */
  clock: Clock;
  /** Domain events: raised inside transactions, heard by subscribers, stored in order, announced after commit. */
  events: DomainEvents;
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
  mail: MailWorker;
  background: BackgroundTasks;
  emailVerification: EmailVerificationService;
  passwordReset: PasswordResetService;
  signInLinks: SignInLinkService;
  notificationPreferences: NotificationPreferencesService;
  mySessions: MySessionsService;
  apiTokens: ApiTokenService;
  apiTokenAuth: ApiTokenAuthenticator;
  queryBudget: QueryBudget;
  rateLimitAudit: RateLimitAudit;
  securityStats: SecurityStatsService;
  keysReloader: SigningKeysReloader;
  limiterStore: LimiterStore;
}

/** `caches: false` only for the benchmark's caches-off ablation (server/tuning.ts). */
export function createServices(config: AppConfig, orm: Orm, keys: SigningKeys, { caches = true }: { caches?: boolean } = {}): Services {
  const events = new DomainEvents(eventStore);
  const accessTokens = new AccessTokens(keys, config.jwt, { cache: caches });
  const hasher = new PasswordHasher(config.passwords);
  const rateLimits = new RateLimits(config);
  const viewers = new ViewerCache({ enabled: caches });
  const issues = new IssueService(events);
  const sessions = new SessionService(config.jwt, accessTokens, viewers, events);
  const tickets = new TicketService(config.sla, events);
  const limiterStore = new LimiterStore(config.redisUrl);
  const background = new BackgroundTasks();
  const emailLimits = new AccountEmailLimits(config.account, limiterStore);
  const emailVerification = new EmailVerificationService(config, emailLimits, background, events);
  const apiTokenAuth = new ApiTokenAuthenticator();
  viewers.onForgetUser((userId) => apiTokenAuth.forgetUser(userId));

  // --- subscribers: each module's reactions to other modules' events ---
  subscribeAuditTrail(events);
  subscribeTickets(events, tickets);
  subscribeTicketMail(events, config.publicUrl);
  subscribeSessionsToAccounts(events, sessions, viewers);
  subscribeVerificationToRegistrations(events, emailVerification);

  return {
    config,
    orm,
    clock: systemClock,
    events,
    keys,
    accessTokens,
    hasher,
    rateLimits,
    viewers,
    sessions,
    auth: new AuthService(config, hasher, sessions, rateLimits, events),
    users: new UserService(events),
    tickets,
    // Comments cannot import the issues module (it imports comments): they are told how to find an issue.
    comments: new CommentService(events, async (scope, id) => (await scope.em.count(Issue, { id })) > 0),
    projects: new ProjectService(events),
    issues,
    issueTransitions: new IssueTransitionService(issues, events),
    links: new LinkService(events),
    mail: new MailWorker(orm, createMailTransport(config), config.mail),
    background,
    emailVerification,
    passwordReset: new PasswordResetService(config, hasher, emailLimits, background, events),
    signInLinks: new SignInLinkService(config, sessions, emailLimits, background, events),
    notificationPreferences: new NotificationPreferencesService(),
    mySessions: new MySessionsService(config.jwt, sessions, events),
    apiTokens: new ApiTokenService(config.apiTokens, apiTokenAuth, events),
    apiTokenAuth,
    queryBudget: new QueryBudget(config.queryBudget, limiterStore),
    rateLimitAudit: new RateLimitAudit(orm, events),
    securityStats: new SecurityStatsService(config.database.kind),
    keysReloader: new SigningKeysReloader(keys, config.jwt.keysReloadSeconds),
    limiterStore,
  };
}

/**
 * Starts the background work: the mail worker (it first delivers what an earlier process left)
 * and the periodic key reload. `services.clock` may be replaced later (tests), hence the getter.
 */
export function startServices(services: Services, logger: Logger): void {
  services.events.log = logger;
  services.background.logger = logger;
  services.rateLimitAudit.logger = logger;
  services.rateLimitAudit.clock = () => services.clock;
  services.mail.start(logger);
  services.keysReloader.start(() => services.clock, logger);
  if (services.mail.transport.name === "outbox") logger.info("mail is kept in the outbox (MAIL_TRANSPORT=outbox): admins read it with the `outbox` query");
}

export async function stopServices(services: Services): Promise<void> {
  services.keysReloader.stop();
  await services.background.drain();
  await services.mail.stop();
  services.limiterStore.close();
  await services.rateLimits.close();
}
