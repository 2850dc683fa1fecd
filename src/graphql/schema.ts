import "reflect-metadata";
import { isObjectType, lexicographicSortSchema, type GraphQLSchema } from "graphql";
import { buildSchema, getMetadataStorage } from "type-graphql";
import { AccountResolver } from "../modules/account/account.resolver.js";
import { ApiTokenResolver } from "../modules/api-tokens/api-token.resolver.js";
import { AttachmentResolver, CommentAttachmentsResolver, IssueAttachmentsResolver, TicketAttachmentsResolver } from "../modules/attachments/attachment.resolver.js";
import { MySessionsResolver } from "../modules/auth/my-sessions.resolver.js";
import { MfaResolver } from "../modules/mfa/mfa.resolver.js";
import { NotificationPreferencesResolver } from "../modules/mail/notification-preferences.resolver.js";
import { OutboxResolver } from "../modules/mail/outbox.resolver.js";
import { CommentSourceResolver, IntakeResolver, TicketSourceResolver } from "../modules/intake/intake.resolver.js";
import { RateLimitResolver } from "../modules/rate-limit/rate-limit.resolver.js";
import { SecurityResolver } from "../modules/security/security.resolver.js";
import { AuditResolver } from "../modules/audit/audit.resolver.js";
import { AuthResolver } from "../modules/auth/auth.resolver.js";
import { UserResolver } from "../modules/users/user.resolver.js";
import { CommentResolver } from "../modules/comments/comment.resolver.js";
import { EventResolver } from "../modules/events/event.resolver.js";
import { TicketCommentsResolver } from "../modules/comments/ticket-comments.resolver.js";
import { TicketFieldsResolver } from "../modules/tickets/ticket-fields.resolver.js";
import { TicketHistoryResolver } from "../modules/tickets/ticket-history.resolver.js";
import { TicketResolver } from "../modules/tickets/ticket.resolver.js";
import { IssueFieldsResolver } from "../modules/issues/issue-fields.resolver.js";
import { IssueResolver } from "../modules/issues/issue.resolver.js";
import { JobResolver } from "../modules/jobs/job.resolver.js";
import { ProjectIssuesResolver } from "../modules/issues/project-issues.resolver.js";
import { IssueLinksResolver, LinkResolver, TicketLinksResolver } from "../modules/links/link.resolver.js";
import { ProjectResolver } from "../modules/projects/project.resolver.js";
import { SubscriptionResolver } from "../modules/subscriptions/subscription.resolver.js";
import { TriageResolver } from "../modules/triage/triage.resolver.js";
import { AutomationResolver } from "../modules/automation/automation.resolver.js";
import { WebhookResolver } from "../modules/webhooks/webhook.resolver.js";
import { InvitationResolver } from "../modules/invitations/invitation.resolver.js";
import { SsoResolver } from "../modules/sso/sso.resolver.js";
import { MyProfileResolver } from "../modules/auth/my-profile.resolver.js";
import { UserSessionsResolver } from "../modules/auth/user-sessions.resolver.js";
import { TicketStatsResolver } from "../modules/tickets/ticket-stats.resolver.js";
import { AuditTargetResolver } from "../modules/audit-targets/audit-target.resolver.js";
import { IssueTagsResolver, TagResolver, TicketTagsResolver } from "../modules/tags/tag.resolver.js";
import { CannedResponseResolver } from "../modules/canned-responses/canned-response.resolver.js";
import { MacroResolver } from "../modules/macros/macro.resolver.js";
import { BulkTicketResolver } from "../modules/bulk/bulk.resolver.js";
import { MergeResolver, TicketMergedIntoResolver } from "../modules/merge/merge.resolver.js";
import { permissions } from "./permissions.js";
import { DateTimeISO } from "./date-time.js";
import { applyPermissions } from "./shield.js";
import { SavedViewResolver } from "../modules/saved-views/saved-view.resolver.js";
import { CustomerDirectoryResolver } from "../modules/users/customer-directory.resolver.js";
import { TicketWatchersResolver, WatcherResolver } from "../modules/watchers/watcher.resolver.js";
import { SatisfactionResolver, TicketSatisfactionResolver } from "../modules/satisfaction/satisfaction.resolver.js";
import { OrganisationMembershipResolver, OrganisationResolver } from "../modules/organisations/organisation.resolver.js";
import { OrganisationTicketsResolver, TicketOrganisationResolver } from "../modules/tickets/ticket-organisation.resolver.js";

/** Every module's resolvers; a module is wired by adding them here (and its rules in permissions.ts). */
export const resolvers = [AuthResolver, MfaResolver, UserResolver, AuditResolver, AccountResolver, MySessionsResolver, ApiTokenResolver, OutboxResolver, NotificationPreferencesResolver, RateLimitResolver, SecurityResolver, TicketResolver, TicketFieldsResolver, TicketHistoryResolver, TicketCommentsResolver, CommentResolver, ProjectResolver, IssueResolver, IssueFieldsResolver, ProjectIssuesResolver, LinkResolver, TicketLinksResolver, IssueLinksResolver, EventResolver, WebhookResolver, SubscriptionResolver, TriageResolver, AutomationResolver, JobResolver, AttachmentResolver, TicketAttachmentsResolver, CommentAttachmentsResolver, IssueAttachmentsResolver, IntakeResolver, CommentSourceResolver, TicketSourceResolver, InvitationResolver, SsoResolver, MyProfileResolver, UserSessionsResolver, TicketStatsResolver, AuditTargetResolver, SavedViewResolver, CustomerDirectoryResolver, WatcherResolver, TicketWatchersResolver, SatisfactionResolver, TicketSatisfactionResolver, TagResolver, TicketTagsResolver, IssueTagsResolver, CannedResponseResolver, MacroResolver, BulkTicketResolver, MergeResolver, TicketMergedIntoResolver, OrganisationResolver, OrganisationMembershipResolver, TicketOrganisationResolver, OrganisationTicketsResolver] as const;
/** Every field's permission rule, root fields with their API-token scope (permissions.ts). */
export const ruleTree = permissions.ruleTree;

/**
 * Every subscription declares its own source (`subscribe`, fed by the subscriptions module's
 * hub); type-graphql asks for a pub/sub all the same, for topic-based subscriptions we have none of.
 */
export const NO_TOPICS = {
  publish: () => {
    throw new Error("Subscriptions here declare their own `subscribe` source, not topics.");
  },
  subscribe: () => {
    throw new Error("Subscriptions here declare their own `subscribe` source, not topics.");
  },
};

/** The schema as published (sorted, so `schema.graphql` diffs are stable), before permissions. */
export async function buildBareSchema(): Promise<GraphQLSchema> {
  useDefaultResolversForPlainFields();
  const schema = await buildSchema({
    resolvers: [...resolvers],
    // Inputs are checked by the services that take them (BadUserInputError naming the field);
    // type-graphql's class-validator pass imported and ran it for every argument object.
    validate: false,
    emitSchemaFile: false,
    pubSub: NO_TOPICS,
    scalarsMap: [{ type: Date, scalar: DateTimeISO }],
  });
  return resolveLazyCounts(lexicographicSortSchema(schema));
}

/**
 * type-graphql resolves every plain field (no @FieldResolver) through a wrapper that runs its
 * middleware chain, allocating per call; we use neither its middlewares nor @Authorized
 * (permissions are graphql-shield's), so plain fields get graphql's default resolver, as
 * `simpleResolvers: true` on every object type would. Ticket queues resolve thousands of them.
 */
function useDefaultResolversForPlainFields(): void {
  const storage = getMetadataStorage();
  for (const type of storage.objectTypes as { simpleResolvers?: boolean }[]) type.simpleResolvers ??= true;
  // graphql's default resolver reads the schema name: a field exposed under another name than its property keeps type-graphql's.
  for (const field of storage.fields as { name: string; schemaName: string; simple?: boolean }[]) if (field.schemaName !== field.name) field.simple ??= false;
}

/** The executable schema: every field behind graphql-shield, deny by default. */
export async function buildExecutableSchema(): Promise<GraphQLSchema> {
  return applyPermissions(await buildBareSchema(), ruleTree);
}

/**
 * A connection's `totalCount` is a getter that starts the count query when read and returns its
 * promise. graphql-js's default resolver awaits such values; graphql-jit reads a field without a
 * resolver as a plain value, so these fields get a resolver of their own.
 */
function resolveLazyCounts(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    const field = isObjectType(type) && type.name.endsWith("Connection") ? type.getFields().totalCount : undefined;
    if (field && !field.resolve) field.resolve = (source: { totalCount: Promise<number> }) => source.totalCount;
  }
  return schema;
}
