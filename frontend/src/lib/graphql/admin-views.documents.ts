import { graphql } from "./graphql.ts";
import { PageInfoFields, TicketListFields } from "./tickets.documents.ts";
import { AdminUserFields } from "./users.documents.ts";

/** The caller's own display name (Account page). */
export const UpdateMyProfileMutation = graphql(`
  mutation UpdateMyProfile($input: UpdateMyProfileInput!) {
    updateMyProfile(input: $input) {
      id
      displayName
    }
  }
`);

/** One account for the admin user page. */
export const AdminUserQuery = graphql(
  `
    query AdminUser($id: ID!) {
      user(id: $id) {
        ...AdminUserFields
      }
    }
  `,
  [AdminUserFields],
);

export const UserSessionsQuery = graphql(`
  query UserSessions($userId: ID!) {
    userSessions(userId: $userId) {
      id
      device
      ip
      createdAt
      lastActiveAt
      current
    }
  }
`);

export const RevokeUserSessionMutation = graphql(`
  mutation RevokeUserSession($userId: ID!, $sessionId: ID!) {
    revokeUserSession(userId: $userId, sessionId: $sessionId)
  }
`);

/** A short page of tickets for a panel (the user page), newest first. */
export const TicketPanelQuery = graphql(
  `
    query TicketPanel($filter: TicketFilter) {
      tickets(first: 10, filter: $filter) {
        totalCount
        pageInfo {
          ...PageInfoFields
        }
        edges {
          node {
            ...TicketListFields
          }
        }
      }
    }
  `,
  [PageInfoFields, TicketListFields],
);

/** A short audit trail for a panel (the user page). */
export const AuditPanelQuery = graphql(`
  query AuditPanel($filter: AuditEventFilter) {
    auditEvents(first: 10, filter: $filter) {
      totalCount
      edges {
        node {
          id
          action
          actor {
            id
            displayName
          }
          targetType
          targetId
          targetLabel
          createdAt
        }
      }
    }
  }
`);

/** Pickers for the audit trail's filters: people and tickets found by name. */
export const FindUsersQuery = graphql(`
  query FindUsers($search: String!) {
    users(first: 8, filter: { search: $search }) {
      edges {
        node {
          id
          displayName
          email
        }
      }
    }
  }
`);

export const FindTicketsQuery = graphql(`
  query FindTickets($search: String!) {
    tickets(first: 8, filter: { search: $search }) {
      edges {
        node {
          id
          reference
          subject
        }
      }
    }
  }
`);

export const SecurityStatsQuery = graphql(`
  query SecurityDashboard($window: SecurityStatsWindow!) {
    securityStats(window: $window) {
      from
      to
      successfulLogins
      failedLogins
      lockouts
      rateLimitHits
      refreshTokenReuses
      activeUsers
      activeSessions
      lockedAccountsNow
      buckets {
        start
        successfulLogins
        failedLogins
        lockouts
        rateLimitHits
      }
    }
  }
`);

/** The agent dashboard: counts from the ticket list's filters, and the per-day trend. */
export const AgentDashboardQuery = graphql(`
  query AgentDashboard($days: Int!) {
    open: tickets(first: 1, filter: { status: [OPEN, IN_PROGRESS, WAITING_ON_CUSTOMER] }) {
      totalCount
    }
    breached: tickets(first: 1, filter: { status: [OPEN, IN_PROGRESS, WAITING_ON_CUSTOMER], slaBreached: true }) {
      totalCount
    }
    dueSoon: tickets(first: 1, filter: { status: [OPEN, IN_PROGRESS, WAITING_ON_CUSTOMER], slaDueSoon: true }) {
      totalCount
    }
    mineOpen: tickets(first: 1, filter: { status: [OPEN], assignee: { me: true } }) {
      totalCount
    }
    mineInProgress: tickets(first: 1, filter: { status: [IN_PROGRESS], assignee: { me: true } }) {
      totalCount
    }
    mineWaiting: tickets(first: 1, filter: { status: [WAITING_ON_CUSTOMER], assignee: { me: true } }) {
      totalCount
    }
    mineResolved: tickets(first: 1, filter: { status: [RESOLVED], assignee: { me: true } }) {
      totalCount
    }
    ticketStats(days: $days) {
      created
      resolved
      days {
        day
        created
        resolved
      }
    }
  }
`);
