import type { Logger } from "pino";
import { systemClock, type Clock } from "./core/clock.js";
import type { AppConfig } from "./config.js";
import type { Orm } from "./db/orm.js";
import { AccountEmailLimits } from "./modules/account/account.rate-limits.js";
import { BackgroundTasks } from "./modules/account/background-tasks.js";
import { EmailVerificationService } from "./modules/account/email-verification.service.js";
import { PasswordResetService } from "./modules/account/password-reset.service.js";
import { SignInLinkService } from "./modules/account/sign-in-link.service.js";
import { ApiTokenAuthenticator } from "./modules/api-tokens/api-token.auth.js";
import { ApiTokenService } from "./modules/api-tokens/api-token.service.js";
import { MySessionsService } from "./modules/auth/my-sessions.service.js";
import type { PasswordHasher } from "./modules/auth/password.hasher.js";
import type { SessionService } from "./modules/auth/session.service.js";
import type { SigningKeys } from "./modules/auth/signing-keys.js";
import { SigningKeysReloader } from "./modules/auth/signing-keys.reloader.js";
import type { ViewerCache } from "./modules/auth/viewer-cache.js";
import { createMailTransport } from "./modules/mail/mail.transport.js";
import { MailWorker } from "./modules/mail/mail.worker.js";
import { NotificationPreferencesService } from "./modules/mail/notification-preferences.service.js";
import { setTicketLinkBase } from "./modules/mail/ticket-notifications.js";
import { LimiterStore } from "./modules/rate-limit/limiter-store.js";
import { QueryBudget } from "./modules/rate-limit/query-budget.js";
import { RateLimitAudit } from "./modules/rate-limit/rate-limit.audit.js";
import { SecurityStatsService } from "./modules/security/security-stats.service.js";

/**
 * The services of account lifecycle and integrator access: mail, emailed-link flows, session
 * listing, API tokens, the query budget, the security dashboard, signing-key reloads. Part of
 * `Services` (services.ts); started and stopped with the server (start.ts).
 */
export interface AccessServices {
  /** Business time; tests replace it (`services.clock = ...`) to cross expiries without sleeping. */
  clock: Clock;
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

export function createAccessServices(
  config: AppConfig,
  orm: Orm,
  keys: SigningKeys,
  core: { sessions: SessionService; hasher: PasswordHasher; viewers: ViewerCache },
): AccessServices {
  const limiterStore = new LimiterStore(config.redisUrl);
  const background = new BackgroundTasks();
  const emailLimits = new AccountEmailLimits(config.account, limiterStore);
  const apiTokenAuth = new ApiTokenAuthenticator();
  core.viewers.onForgetUser((userId) => apiTokenAuth.forgetUser(userId));
  setTicketLinkBase(config.publicUrl);
  return {
    clock: systemClock,
    mail: new MailWorker(orm, createMailTransport(config), config.mail),
    background,
    emailVerification: new EmailVerificationService(config, emailLimits, background),
    passwordReset: new PasswordResetService(config, core.hasher, core.sessions, emailLimits, background),
    signInLinks: new SignInLinkService(config, core.sessions, emailLimits, background),
    notificationPreferences: new NotificationPreferencesService(),
    mySessions: new MySessionsService(config.jwt, core.sessions),
    apiTokens: new ApiTokenService(config.apiTokens, apiTokenAuth),
    apiTokenAuth,
    queryBudget: new QueryBudget(config.queryBudget, limiterStore),
    rateLimitAudit: new RateLimitAudit(orm),
    securityStats: new SecurityStatsService(config.database.kind),
    keysReloader: new SigningKeysReloader(keys, config.jwt.keysReloadSeconds),
    limiterStore,
  };
}

/**
 * Starts the mail worker (it first delivers what an earlier process left) and the periodic key
 * reload. `services` is the final Services object, whose `clock` tests may replace.
 */
export function startAccessServices(services: AccessServices, logger: Logger): void {
  services.background.logger = logger;
  services.rateLimitAudit.logger = logger;
  services.mail.start(logger);
  services.keysReloader.start(() => services.clock, logger);
  if (services.mail.transport.name === "outbox") logger.info("mail is kept in the outbox (MAIL_TRANSPORT=outbox): admins read it with the `outbox` query");
}

export async function stopAccessServices(services: AccessServices): Promise<void> {
  services.keysReloader.stop();
  await services.background.drain();
  await services.mail.stop();
  services.limiterStore.close();
}
