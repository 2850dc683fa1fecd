import { AccountToken } from "../modules/account/account-token.entity.js";
import { ApiToken } from "../modules/api-tokens/api-token.entity.js";
import { AuditEvent } from "../modules/audit/audit-event.entity.js";
import { NotificationPreferences } from "../modules/mail/notification-preferences.entity.js";
import { OutboxMessage } from "../modules/mail/outbox-message.entity.js";
import { RefreshToken } from "../modules/auth/refresh-token.entity.js";
import { Session } from "../modules/auth/session.entity.js";
import { User } from "../modules/users/user.entity.js";
import { Issue } from "../modules/issues/issue.entity.js";
import { TicketIssueLink } from "../modules/links/ticket-issue-link.entity.js";
import { Project } from "../modules/projects/project.entity.js";
import { Comment } from "../modules/comments/comment.entity.js";
import { Counter } from "./counter.entity.js";
import { DomainEventRecord } from "./domain-event.entity.js";
import { Ticket } from "../modules/tickets/ticket.entity.js";
import { Webhook } from "../modules/webhooks/webhook.entity.js";
import { WebhookDelivery } from "../modules/webhooks/webhook-delivery.entity.js";
import { UnknownEmailLockout } from "../modules/auth/unknown-email-lockout.entity.js";

/** The explicit entity list: no folder scanning, so the build and the tests see the same model. */
export const entities = [User, Session, RefreshToken, AuditEvent, OutboxMessage, AccountToken, ApiToken, NotificationPreferences, Counter, Ticket, Comment, Project, Issue, TicketIssueLink, DomainEventRecord, UnknownEmailLockout, Webhook, WebhookDelivery];
