import type { AppConfig } from "./config.js";
import type { Logger } from "pino";
import type { Orm } from "./db/orm.js";
import type { SigningKeys } from "./modules/auth/signing-keys.js";
import { AccessTokens } from "./modules/auth/access-token.js";
import { subscribeAuditTrail } from "./modules/audit/audited-events.js";
import { subscribeSessionsToAccounts } from "./modules/auth/auth.subscribers.js";
import { subscribeOwnersToRegistrationAttempts, subscribeVerificationToRegistrations } from "./modules/account/account.subscribers.js";
import { AccountEmailLimits } from "./modules/account/account.rate-limits.js";
import { ApiTokenAuthenticator } from "./modules/api-tokens/api-token.auth.js";
import { ApiTokenService } from "./modules/api-tokens/api-token.service.js";
import { AttachmentService } from "./modules/attachments/attachment.service.js";
import { AttachmentSweeper } from "./modules/attachments/attachment.sweeper.js";
import { createAttachmentStorage } from "./modules/attachments/attachment.storage-factory.js";
import { subscribeAttachments } from "./modules/attachments/attachment.subscribers.js";
import { IntakeService } from "./modules/intake/intake.service.js";
import { ImapReader } from "./modules/intake/imap.reader.js";
import { SmtpListener } from "./modules/intake/smtp.listener.js";
import { AuthService } from "./modules/auth/auth.service.js";
import { BackgroundTasks } from "./modules/account/background-tasks.js";
import { CommentService } from "./modules/comments/comment.service.js";
import { DomainEvents } from "./core/events/domain-events.js";
import { EventFeedService } from "./modules/events/event.service.js";
import { EventRetention } from "./modules/events/event.retention.js";
import { EventTail } from "./db/event-tail.js";
import { AddressGuard } from "./modules/webhooks/webhook.address.js";
import { WebhookService } from "./modules/webhooks/webhook.service.js";
import { WebhookWorker } from "./modules/webhooks/webhook.worker.js";
import { EmailVerificationService } from "./modules/account/email-verification.service.js";
import { IssueService } from "./modules/issues/issue.service.js";
import { IssueTransitionService } from "./modules/issues/issue-transition.service.js";
import { LimiterStore } from "./modules/rate-limit/limiter-store.js";
import { LinkService } from "./modules/links/link.service.js";
import { MailWorker } from "./modules/mail/mail.worker.js";
import { MySessionsService } from "./modules/auth/my-sessions.service.js";
import { MyProfileService } from "./modules/auth/my-profile.service.js";
import { TicketStatsService } from "./modules/tickets/ticket-stats.service.js";
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
import { SubscriptionHub } from "./modules/subscriptions/subscription.hub.js";
import { SubscriptionService } from "./modules/subscriptions/subscription.service.js";
import { SigningKeysReloader } from "./modules/auth/signing-keys.reloader.js";
import { TicketService } from "./modules/tickets/ticket.service.js";
import { OrganisationService } from "./modules/organisations/organisation.service.js";
import { subscribeOrganisationsToNewAccounts } from "./modules/organisations/organisation.subscribers.js";
import { OrganisationStatsService } from "./modules/tickets/ticket-organisation.service.js";
import { BusinessHours } from "./modules/tickets/business-hours.js";
import { JobRunner } from "./modules/jobs/job.runner.js";
import { JobScheduler } from "./modules/jobs/job.scheduler.js";
import { JobService } from "./modules/jobs/job.service.js";
import { autoCloseJob, waitingReminderJob } from "./modules/lifecycle/ticket-lifecycle.jobs.js";
import { eventPurgeJob } from "./modules/events/event.jobs.js";
import { expiredSessionsPurgeJob } from "./modules/auth/auth.jobs.js";
import { expiredLinksPurgeJob } from "./modules/account/account.jobs.js";
import { IdempotencyStore } from "./modules/idempotency/idempotency.store.js";
import { idempotencyKeyPurgeJob } from "./modules/idempotency/idempotency.jobs.js";
import { subscribeTicketReminderMail } from "./modules/mail/ticket-reminder-mail.subscriber.js";
import { subscribeTicketSlaMail } from "./modules/mail/ticket-sla-mail.subscriber.js";
import { SlaEscalations } from "./modules/tickets/ticket.sla-escalation.service.js";
import { slaEscalationJob } from "./modules/tickets/ticket.sla-escalation.jobs.js";
import { TriageService } from "./modules/triage/triage.service.js";
import { AutomationService } from "./modules/automation/automation.service.js";
import { AutomationWorker } from "./modules/automation/automation.worker.js";
import "./modules/automation/automation.events.js";
import { SavedViewService } from "./modules/saved-views/saved-view.service.js";
import "./modules/saved-views/saved-view.events.js";
import { triageTrainJob } from "./modules/triage/triage.jobs.js";
import { WatcherService } from "./modules/watchers/watcher.service.js";
import { subscribeWatcherMail } from "./modules/watchers/watcher.mail.js";
import "./modules/watchers/watcher.events.js";
import { SatisfactionService } from "./modules/satisfaction/satisfaction.service.js";
import { subscribeSatisfactionMail } from "./modules/satisfaction/satisfaction.mail.js";
import "./modules/satisfaction/satisfaction.events.js";
import { TagService } from "./modules/tags/tag.service.js";
import { CannedResponseService } from "./modules/canned-responses/canned-response.service.js";
import { MacroService } from "./modules/macros/macro.service.js";
import { UserService } from "./modules/users/user.service.js";
import { MfaService } from "./modules/mfa/mfa.service.js";
import { MfaSignInService } from "./modules/mfa/mfa-sign-in.service.js";
import { PasskeyService } from "./modules/mfa/passkey.service.js";
import { SecretBox } from "./modules/mfa/secret-box.js";
import { InvitationService } from "./modules/invitations/invitation.service.js";
import { subscribeReactivationMail } from "./modules/invitations/invitation.subscribers.js";
import { OidcClients } from "./modules/sso/sso.providers.js";
import { SsoService } from "./modules/sso/sso.service.js";
import { ViewerCache } from "./modules/auth/viewer-cache.js";
import { subscribeCachesToCommittedEvents } from "./modules/auth/credential-invalidation.js";
import { createMailTransport } from "./modules/mail/mail.transport.js";
import { eventStore } from "./db/event-store.js";
import { subscribeTicketMail } from "./modules/mail/ticket-mail.subscriber.js";
import { subscribeTicketMergeMail } from "./modules/mail/ticket-merge-mail.subscriber.js";
import { BulkTicketService } from "./modules/bulk/bulk.service.js";
import { MergeService } from "./modules/merge/merge.service.js";
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
  /** Second factors: TOTP enrolment, recovery codes, the role policy, admin resets. */
  mfa: MfaService;
  /** The second sign-in step (the gate the password and sign-in-link flows pass) and passkey sign-in. */
  mfaSignIn: MfaSignInService;
  /** Passkey registration and management. */
  passkeys: PasskeyService;
  /** Admins' invitations, accepted with a password or by single sign-on. */
  invitations: InvitationService;
  /** Sign-in with OpenID Connect providers (OIDC_PROVIDERS). */
  sso: SsoService;
  tickets: TicketService;
  /** Customer organisations: members, managers and email domains (modules/organisations). */
  organisations: OrganisationService;
  /** Ticket counts by organisation (the organisationStats report and Organisation.ticketCounts). */
  organisationStats: OrganisationStatsService;
  /** AI triage: the built-in model learned from resolved tickets, and the language model when configured. */
  triage: TriageService;
  /** Automation rules (admins) and the worker that runs them on committed events, once each. */
  automation: AutomationService;
  automationWorker: AutomationWorker;
  /** Saved views: named ticket filters and sorts, personal or shared, with their live counts. */
  savedViews: SavedViewService;
  /** Ticket watchers and CC addresses (merges move them with `moveWatchers`); their emails and @mentions are watcher.mail.ts. */
  watchers: WatcherService;
  /** Customer satisfaction ratings and their figures. */
  satisfaction: SatisfactionService;
  comments: CommentService;
  /** Bulk changes to tickets (preview, then all or nothing) and the major-incident update of an issue's linked tickets. */
  bulk: BulkTicketService;
  /** Merging duplicate tickets. */
  merge: MergeService;
  /** Tags on tickets and issues (TAGS_MODE); bulk changes and macros call it inside their own transactions. */
  tags: TagService;
  /** Canned responses, personal or shared, with placeholders filled per ticket. */
  cannedResponses: CannedResponseService;
  /** Macros: named changes applied to a ticket all or nothing, through the tickets, comments and tags services. */
  macros: MacroService;
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
  /** What users change about themselves (their display name). */
  myProfile: MyProfileService;
  /** The agent dashboard's created-versus-resolved trend. */
  ticketStats: TicketStatsService;
  apiTokens: ApiTokenService;
  apiTokenAuth: ApiTokenAuthenticator;
  queryBudget: QueryBudget;
  rateLimitAudit: RateLimitAudit;
  securityStats: SecurityStatsService;
  keysReloader: SigningKeysReloader;
  /** Relays other replicas' committed events (MySQL only; null on the embedded database): db/event-tail.ts. */
  eventTail: EventTail | null;
  limiterStore: LimiterStore;
  /**
   * GraphQL subscriptions' fan-out: hears this process's commits and, through the event tail,
   * other replicas' (`events.onReplicated`), and hands each to the subscribers that may see it.
   */
  subscriptionHub: SubscriptionHub;
  subscriptions: SubscriptionService;
  /** The `events` feed over the durable events table. */
  eventFeed: EventFeedService;
  /** Deletes durable events past EVENT_RETENTION_DAYS (run by the events.purge job). */
  eventRetention: EventRetention;
  /**
   * Background jobs (modules/jobs): the runner every job is registered with (`jobRunner.register(defineJob(...))`,
   * see core/jobs.ts), the cron scheduler, and their administration.
   */
  jobRunner: JobRunner;
  jobScheduler: JobScheduler;
  jobs: JobService;
  /** Idempotency-Key records (graphql/idempotency.plugin.ts). */
  idempotency: IdempotencyStore;
  /** Webhook administration (webhooks, secrets, delivery log). */
  webhooks: WebhookService;
  /** Turns committed events into signed webhook deliveries and attempts them. */
  webhookWorker: WebhookWorker;
  /** The webhooks' guard against server-side request forgery; tests replace its `resolve`. */
  webhookAddresses: AddressGuard;
  /** Attachments: uploads streamed into the storage, attached by mutations, served like their parent. */
  attachments: AttachmentService;
  /** Removes uploads never attached (ATTACHMENT_UNATTACHED_HOURS). */
  attachmentSweeper: AttachmentSweeper;
  /** Email intake: received emails become tickets and comments, each once (modules/intake). */
  intake: IntakeService;
  /** Reads the INTAKE_IMAP_URL mailbox; null while unset. */
  imapReader: ImapReader | null;
  /** Takes mail from relays on INTAKE_SMTP_PORT; null while unset. */
  smtpListener: SmtpListener | null;
}

/** `caches: false` only for the benchmark's caches-off ablation (server/tuning.ts). */
export function createServices(config: AppConfig, orm: Orm, keys: SigningKeys, { caches = true }: { caches?: boolean } = {}): Services {
  const events = new DomainEvents(eventStore);
  const accessTokens = new AccessTokens(keys, config.jwt, { cache: caches });
  const hasher = new PasswordHasher(config.passwords);
  const limiterStore = new LimiterStore(config);
  const rateLimits = new RateLimits(config, limiterStore);
  const viewers = new ViewerCache({ enabled: caches, idleMinutes: config.jwt.sessionIdleMinutes });
  const issues = new IssueService(events);
  const sessions = new SessionService(config.jwt, accessTokens, viewers, events);
  const tickets = new TicketService({ ...config.sla, hours: config.sla.calendar ? new BusinessHours(config.sla.calendar) : null }, events);
  const triage = new TriageService(orm, config.triage);
  const background = new BackgroundTasks();
  const emailLimits = new AccountEmailLimits(config.account, limiterStore);
  const emailVerification = new EmailVerificationService(config, emailLimits, background, events);
  const secretBox = new SecretBox(config.mfa);
  const passkeys = new PasskeyService(config.mfa, events);
  const mfaSignIn = new MfaSignInService(config, secretBox, passkeys, sessions, rateLimits, events);
  const apiTokenAuth = new ApiTokenAuthenticator();
  const webhookAddresses = new AddressGuard(config.webhooks);
  const webhookWorker = new WebhookWorker(orm, config.webhooks, webhookAddresses, config.database.kind === "mysql", config.publicUrl);
  viewers.onForgetUser((userId) => apiTokenAuth.forgetUser(userId));
  const keysReloader = new SigningKeysReloader(keys, config.jwt.keysReloadSeconds);
  // Replicas hear each other through the events table (one process on SQLite: nothing to hear).
  const eventTail =
    config.database.kind === "mysql"
      ? new EventTail(orm, events, { pollMs: config.eventsPollMs, redisUrl: config.redisUrl, channel: EventTail.channelFor(config.database.url) })
      : null;
  if (eventTail && caches) {
    viewers.trustWhile(() => eventTail.isCurrent());
    apiTokenAuth.trustWhile(() => eventTail.isCurrent());
  }

  const attachments = new AttachmentService(config.attachments, createAttachmentStorage(config.attachments), events);
  // Comments are written through the service the API uses (issues exist only for staff; intake writes on tickets).
  const comments = new CommentService(events, (scope, id) => issues.exists(scope, id));
  const automation = new AutomationService(events, tickets, comments);
  const tags = new TagService(config.tags.mode, events);
  const cannedResponses = new CannedResponseService(events);
  const automationWorker = new AutomationWorker(orm, events, automation, config.eventsPollMs, config.database.kind === "mysql");
  const intake = new IntakeService(config.intake, orm, events, tickets, comments, attachments, hasher, config.publicUrl);

  // --- subscribers: each module's reactions to other modules' events ---
  subscribeAuditTrail(events);
  subscribeAttachments(events, attachments);
  subscribeTickets(events, tickets);
  const organisations = new OrganisationService(events);
  subscribeOrganisationsToNewAccounts(events, organisations);
  subscribeTicketMail(events, config.publicUrl);
  subscribeTicketMergeMail(events, config.publicUrl);
  subscribeTicketReminderMail(events, config.publicUrl);
  subscribeTicketSlaMail(events, config.publicUrl);
  subscribeWatcherMail(events, config.publicUrl);
  subscribeSatisfactionMail(events, config.publicUrl);
  subscribeSessionsToAccounts(events, sessions, viewers);
  subscribeCachesToCommittedEvents(events, { viewers, accessTokens }, keysReloader, () => events.log);
  events.onCommitted((committed) => apiTokenAuth.forgetRevoked(committed));
  events.onReplicated((committed) => apiTokenAuth.forgetRevoked(committed));
  subscribeVerificationToRegistrations(events, emailVerification);
  subscribeOwnersToRegistrationAttempts(events, emailLimits, config.publicUrl);
  subscribeReactivationMail(events, config.publicUrl);
  // GraphQL subscriptions hear this process's commits and other replicas' (the event tail's).
  const subscriptionHub = new SubscriptionHub(orm);
  subscriptionHub.listen(events);

  // --- jobs: each module's background work, registered once (docs/operations.md, "Jobs") ---
  const eventRetention = new EventRetention(orm, config.events.retentionDays);
  const jobRunner = new JobRunner(orm, events, config.jobs, config.database.kind === "mysql", systemClock);
  // With business hours, the life cycle's days are working days of the same calendar.
  const lifecycleDays = tickets.sla.hours ? { addDays: (from: Date, days: number) => tickets.sla.hours!.addWorkingDays(from, days) } : undefined;
  jobRunner.register(autoCloseJob(tickets, events, config.lifecycle, lifecycleDays));
  jobRunner.register(waitingReminderJob(events, config.lifecycle, lifecycleDays));
  jobRunner.register(eventPurgeJob(eventRetention));
  jobRunner.register(expiredSessionsPurgeJob());
  jobRunner.register(expiredLinksPurgeJob());
  jobRunner.register(idempotencyKeyPurgeJob());
  jobRunner.register(triageTrainJob(triage));
  jobRunner.register(slaEscalationJob(new SlaEscalations(tickets.sla, events, config.sla.escalations)));
  const jobScheduler = new JobScheduler(jobRunner);

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
    auth: new AuthService(config, hasher, sessions, rateLimits, events, mfaSignIn),
    mfa: new MfaService(config, secretBox, sessions, passkeys, events),
    mfaSignIn,
    passkeys,
    users: new UserService(events),
    invitations: new InvitationService(config, hasher, sessions, events),
    sso: new SsoService(config, new OidcClients(), hasher, sessions, rateLimits, events),
    tickets,
    organisations,
    organisationStats: new OrganisationStatsService(),
    triage,
    automation,
    automationWorker,
    savedViews: new SavedViewService(events),
    watchers: new WatcherService(events),
    satisfaction: new SatisfactionService(events, config.database.kind),
    // Comments cannot import the issues module (it imports comments): they are told how to find an issue.
    comments,
    bulk: new BulkTicketService(tickets, events, tags),
    // The watchers service keeps no state of its own: merges move watchers through an instance of their own.
    merge: new MergeService(tickets, events, new WatcherService(events)),
    tags,
    cannedResponses,
    macros: new MacroService(events, tickets, comments, tags, cannedResponses),
    projects: new ProjectService(events),
    issues,
    issueTransitions: new IssueTransitionService(issues, events),
    links: new LinkService(events),
    mail: new MailWorker(orm, createMailTransport(config), config.mail),
    background,
    emailVerification,
    passwordReset: new PasswordResetService(config, hasher, emailLimits, background, events),
    signInLinks: new SignInLinkService(config, sessions, emailLimits, background, events, mfaSignIn),
    notificationPreferences: new NotificationPreferencesService(),
    mySessions: new MySessionsService(config.jwt, sessions, events),
    myProfile: new MyProfileService(events),
    ticketStats: new TicketStatsService(config.database.kind),
    apiTokens: new ApiTokenService(config.apiTokens, apiTokenAuth, events),
    apiTokenAuth,
    queryBudget: new QueryBudget(config.queryBudget, limiterStore),
    rateLimitAudit: new RateLimitAudit(orm, events, limiterStore),
    securityStats: new SecurityStatsService(config.database.kind),
    keysReloader,
    eventTail,
    limiterStore,
    subscriptionHub,
    // Who may watch a ticket is who may see it: the tickets service decides.
    subscriptions: new SubscriptionService(subscriptionHub, async (scope, id) => {
      const ticket = await tickets.get(scope, id);
      return { id: ticket.id, requesterId: ticket.requester.id };
    }),
    eventFeed: new EventFeedService(config.events.retentionDays),
    eventRetention,
    jobRunner,
    jobScheduler,
    jobs: new JobService(jobRunner, jobScheduler, events),
    idempotency: new IdempotencyStore(orm, config.idempotency.keyHours),
    webhooks: new WebhookService(config.webhooks, webhookAddresses, () => webhookWorker.wake(), events),
    webhookWorker,
    webhookAddresses,
    attachments,
    attachmentSweeper: new AttachmentSweeper(orm, attachments),
    intake,
    imapReader: config.intake.imap ? new ImapReader(config.intake.imap, intake) : null,
    smtpListener: config.intake.smtp ? new SmtpListener(config.intake.smtp, intake) : null,
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
  services.subscriptionHub.log = logger;
  services.limiterStore.logger = logger;
  services.rateLimitAudit.clock = () => services.clock;
  services.mail.start(logger);
  void services.mfa.checkEncryptionKey(logger);
  services.keysReloader.start(() => services.clock, logger);
  // Not awaited: until the server listens nothing is cached, so events committed meanwhile are no news.
  services.eventTail?.start(logger).catch((error: unknown) => logger.error({ err: error }, "could not start reading other replicas' events"));
  services.jobRunner.clock = () => services.clock;
  services.jobs.logger = logger;
  services.jobScheduler.start(logger);
  // Events committed here and by other replicas (relayed by the event tail) both wake the deliveries.
  services.events.onCommitted(services.webhookWorker.onCommitted);
  services.events.onReplicated(services.webhookWorker.onCommitted);
  services.webhookWorker.start(() => services.clock, logger);
  services.events.onCommitted(services.automationWorker.onCommitted);
  services.events.onReplicated(services.automationWorker.onCommitted);
  services.automationWorker.start(() => services.clock, logger);
  services.attachmentSweeper.start(() => services.clock, logger);
  services.intake.clock = () => services.clock;
  services.intake.logger = logger;
  services.imapReader?.start(logger);
  services.smtpListener?.start(logger).catch((error: unknown) => logger.error({ err: error }, "could not start the email intake's SMTP listener"));
  if (services.mail.transport.name === "outbox") logger.info("mail is kept in the outbox (MAIL_TRANSPORT=outbox): admins read it with the `outbox` query");
}

export async function stopServices(services: Services): Promise<void> {
  services.keysReloader.stop();
  await services.eventTail?.stop();
  await services.jobScheduler.stop();
  await services.jobs.drain();
  await services.webhookWorker.stop();
  await services.automationWorker.stop();
  await services.attachmentSweeper.stop();
  await services.smtpListener?.stop();
  await services.imapReader?.stop();
  await services.background.drain();
  await services.mail.stop();
  services.limiterStore.close();
}
