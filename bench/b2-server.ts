import DataLoader from "dataloader";
import mercurius, { type IResolvers } from "mercurius";
import { endCursor, latestComments, queueNode, queuePage, ticketComments, ticketHistory, ticketNode, ticketRow, type CommentNode } from "./b1-queries.js";
import { baselineAuth, type BaselineViewer } from "./baseline-auth.js";
import { baselineServer } from "./baseline-server.js";

/**
 * B2, a lean peer: the GraphQL server a Fastify user would pick for speed (Mercurius, with
 * graphql-jit compiling every document from its first use), answering Q1 and Q2 over B1's SQL
 * (b1-queries.ts), with the latest comments through a per-request DataLoader as a GraphQL server
 * must, and B1's authentication (baseline-auth.ts). No permission layer, no complexity or depth
 * limits, no rate limits, no request log: what Apollo Server, type-graphql, graphql-shield and
 * DeskQL's plugins cost shows as the gap between this row and DeskQL's. It knows only the fields
 * the benchmark's documents ask for (the queue: open and in-progress tickets, most urgent first).
 */
const env = process.env;
const { app, sql, serve } = baselineServer(env);
const authenticate = baselineAuth(sql, env);

const schema = /* GraphQL */ `
  enum TicketStatus { OPEN IN_PROGRESS WAITING_ON_CUSTOMER RESOLVED CLOSED }
  enum TicketOrderField { PRIORITY CREATED_AT UPDATED_AT SLA_DUE }
  enum SortDirection { ASC DESC }
  input TicketFilter { status: [TicketStatus!] }
  input TicketOrder { field: TicketOrderField!, direction: SortDirection! }
  type PageInfo { hasNextPage: Boolean!, endCursor: String, hasPreviousPage: Boolean!, startCursor: String }
  type Person { id: ID!, displayName: String!, email: String, role: String }
  type Comment { id: ID!, body: String!, internal: Boolean!, createdAt: String!, editedAt: String, author: Person! }
  type CommentConnection { pageInfo: PageInfo!, nodes: [Comment!]! }
  type HistoryEntry { id: ID!, action: String!, from: String, to: String, at: String!, actor: Person }
  type Ticket {
    id: ID!, reference: String!, subject: String!, description: String, status: TicketStatus!, priority: String!, category: String, version: Int
    createdAt: String!, updatedAt: String!, firstResponseAt: String, resolvedAt: String, closedAt: String
    firstResponseDueAt: String!, resolutionDueAt: String!, slaBreached: Boolean!, timeOpen: Int!, timeToFirstResponse: Int
    viewerCanEdit: Boolean!, viewerCanComment: Boolean!, allowedTransitions: [TicketStatus!]!
    requester: Person!, assignee: Person
    latestComments(last: Int!): [Comment!]!
    comments(last: Int!): CommentConnection!
    history: [HistoryEntry!]!
  }
  type TicketConnection { totalCount: Int!, pageInfo: PageInfo!, nodes: [Ticket!]! }
  type Query {
    tickets(first: Int!, filter: TicketFilter, orderBy: TicketOrder): TicketConnection!
    ticket(id: ID!): Ticket
  }
`;

interface Context {
  viewer: BaselineViewer;
  /** The latest comments of every ticket on the page, one statement per `last`. */
  latest(last: number): DataLoader<string, CommentNode[]>;
}
declare module "mercurius" {
  // Mercurius's way to type what the context function adds (only this file uses Mercurius).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface MercuriusContext extends Context {}
}

function staff(context: Context): BaselineViewer {
  if (context.viewer.role !== "AGENT" && context.viewer.role !== "ADMIN") throw new mercurius.ErrorWithProps("B2 serves staff only", { code: "FORBIDDEN" });
  return context.viewer;
}

const resolvers: IResolvers = {
  Query: {
    async tickets(_root, args: { first: number }, context: Context) {
      staff(context);
      const page = await queuePage(sql, args.first);
      const now = new Date();
      return { totalCount: page.total, pageInfo: { hasNextPage: page.hasNextPage, endCursor: endCursor(page.rows) }, nodes: page.rows.map((t) => queueNode(t, now)) };
    },
    async ticket(_root, args: { id: string }, context: Context) {
      const viewer = staff(context);
      const t = await ticketRow(sql, args.id);
      return t ? ticketNode(t, viewer, new Date()) : null;
    },
  },
  Ticket: {
    latestComments: (ticket: { id: string }, args: { last: number }, context: Context) => context.latest(args.last).load(ticket.id),
    comments: (ticket: { id: string }, args: { last: number }) => ticketComments(sql, ticket.id, args.last),
    history: (ticket: { id: string }) => ticketHistory(sql, ticket.id),
  },
};

await app.register(mercurius, {
  schema,
  resolvers,
  // Compile a document with graphql-jit from its first use.
  jit: 1,
  context: async (request): Promise<Context> => {
    const viewer = await authenticate(request.headers.authorization);
    if (!viewer) throw new mercurius.ErrorWithProps("Authentication required.", { code: "UNAUTHENTICATED" }, 401);
    const loaders = new Map<number, DataLoader<string, CommentNode[]>>();
    return {
      viewer,
      latest(last) {
        let loader = loaders.get(last);
        if (!loader) loaders.set(last, (loader = new DataLoader(async (ids) => {
          const map = await latestComments(sql, ids, last);
          return ids.map((id) => map.get(id) ?? []);
        })));
        return loader;
      },
    };
  },
});

await serve();
