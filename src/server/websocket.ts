import websocket from "@fastify/websocket";
import type { FastifyInstance } from "fastify";
import { CloseCode, type SubscribePayload } from "graphql-ws";
import { createSourceEventStream, execute, GraphQLError, getOperationAST, OperationTypeNode, parse, specifiedRules, validate, type DocumentNode, type ExecutionArgs, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import { decodeJwt } from "jose";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import { AppError, BadUserInputError } from "../core/errors.js";
import type { CommittedEvent } from "../core/events/catalog.js";
import { Role, type Viewer } from "../core/identity.js";
import type { RequestMeta } from "../core/scope.js";
import { SCHEMA_MISMATCH } from "../graphql/apollo-plugins.js";
import { createContext } from "../graphql/context.js";
import { createErrorFormatter, describesSchema } from "../graphql/error-formatting.js";
import { assertTokenLimit, estimateCost, queryLimitRules } from "../graphql/limits.js";
import { API_TOKEN_PREFIX } from "../modules/api-tokens/api-token.service.js";
import { primeEventActor } from "../modules/subscriptions/subscription.loaders.js";
import { EventStream } from "../modules/subscriptions/event-stream.js";
import { pointsFor, QueryBudgetExceededError } from "../modules/rate-limit/query-budget.js";
import type { Services } from "../services.js";
import { newRequestId } from "./request-id.js";
import { graphqlWsHandler, handleProtocols, sendText } from "./graphql-ws-handler.js";
import { SubscribeGate } from "./subscribe-gate.js";
import { SubscriptionFanout, type SocketSubscription } from "./subscription-fanout.js";
import { authenticate } from "./viewer.js";
import { CREDENTIAL_EVENTS } from "../modules/auth/credential-invalidation.js";

/**
 * Close codes a client can act on: graphql-ws's own where it has one (its client gives up on
 * 4401 and 4429 and retries the others with back-off).
 */
export const SocketClose = {
  /** No valid credential in connection_init, or it stopped being valid: sign in (or refresh) and reconnect. */
  UNAUTHORIZED: CloseCode.Unauthorized,
  /** The user's role changed: reconnect, to subscribe with what the new role may see. */
  FORBIDDEN: CloseCode.Forbidden,
  /** The user already holds SUBSCRIPTION_SOCKETS_PER_USER sockets. */
  TOO_MANY_SOCKETS: CloseCode.TooManyInitialisationRequests,
  /** The server is shutting down: reconnect (to another replica). */
  GOING_AWAY: 1001,
} as const;

/** An API token's socket re-checks its token this often (its expiry is days away, a revocation is an event). */
const API_TOKEN_RECHECK_MS = 15 * 60_000;
/** A close reason is at most 123 bytes (RFC 6455 §5.5). */
const MAX_REASON_BYTES = 123;

interface LiveSocket {
  socket: WebSocket;
  /** What it keeps of its upgrade request (not the request: graphql-ws-handler.ts). */
  meta: RequestMeta;
  viewer: Viewer;
  /** The credential it authenticated with ("Bearer …"), re-checked on revocations and at its expiry. */
  authorization: string;
  openedAt: number;
  subscribed: number;
  recheck?: NodeJS.Timeout;
  /** A re-check of the credential in progress: nothing is written to the socket until it ends. */
  checking?: Promise<boolean>;
}

/** The sockets of this process, for shutdown (server/start.ts) and tests. */
export interface LiveSockets {
  readonly count: number;
  /** Subscription events executed so far: once per event, operation and viewer class, however many sockets receive it. */
  readonly executions: number;
  /** Closes every socket (1001: reconnect elsewhere) and resolves once they are closed. */
  closeAll(reason?: string): Promise<void>;
}

declare module "fastify" {
  interface FastifyInstance {
    /** GraphQL subscription sockets (websocket.ts). */
    liveSockets: LiveSockets;
  }
}

type ConnectionParams = { authorization?: unknown; Authorization?: unknown } | undefined;

/**
 * GraphQL subscriptions over WebSocket on GET /graphql (the `graphql-transport-ws` protocol of
 * graphql-ws, which Apollo Sandbox and most clients speak). The upgrade passes through Fastify
 * like any request (request ids, shutdown and outage refusals, TRUST_PROXY); the route in
 * graphql-route.ts hands the socket to the handler returned here. Registered before the routes.
 *
 * - connection_init carries the credential, `{ authorization: "Bearer <access token | hd_pat_…>" }`
 *   (browsers cannot set headers on a WebSocket; an Authorization header on the upgrade works too),
 *   authenticated as every request is (viewer.ts). Without a valid one the socket is closed 4401.
 * - The credential is checked again when an event may have ended it (logout, revoked session,
 *   password change, deactivation, revoked token: 4401; a role change: 4403) and when the access
 *   token expires, unless the client renewed it meanwhile with a ping whose payload is
 *   `{ authorization: "Bearer <new access token>" }` (4401 otherwise).
 * - Only subscriptions: queries and mutations go to POST /graphql, where every protection runs.
 *   A subscribe is validated with the query limits, costed and charged to the caller's query
 *   budget like a query, and runs through the same permission rules.
 * - Limits: SUBSCRIPTION_SOCKETS_PER_USER (4429) and SUBSCRIPTIONS_PER_SOCKET (BAD_REQUEST).
 */
export async function registerWebsockets(app: FastifyInstance, { services, schema, logger }: { services: Services; schema: GraphQLSchema; logger: Logger }) {
  const { config } = services;
  const live = new Map<WebSocket, LiveSocket>();
  const byUser = new Map<string, Set<LiveSocket>>();
  const format = createErrorFormatter({ classify: (error) => app.outage.classify(error) });
  const validationRules = [...specifiedRules, ...queryLimitRules(config.queryLimits)];
  // Half the pool at most for socket and subscription set-ups (credential and ticket lookups), the rest for requests.
  const setups = new SubscribeGate(Math.max(1, Math.floor(config.database.poolMax / 2)));
  const fanout = new SubscriptionFanout();
  // What `subscribe` needs of the subscribe message that onSubscribe accepted (graphql-ws hands it the same arguments).
  const accepted = new WeakMap<ExecutionArgs, SocketSubscription>();

  const close = (socket: WebSocket, code: number, reason: string) => {
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, limitReason(reason));
  };

  const forget = (entry: LiveSocket) => {
    clearTimeout(entry.recheck);
    live.delete(entry.socket);
    const mine = byUser.get(entry.viewer.userId);
    mine?.delete(entry);
    if (mine && !mine.size) byUser.delete(entry.viewer.userId);
  };

  /** Schedules the next check of the credential: at an access token's expiry, periodically for an API token. */
  const scheduleRecheck = (entry: LiveSocket) => {
    clearTimeout(entry.recheck);
    const expiresAt = accessTokenExpiry(entry.authorization);
    const delay = expiresAt === null ? API_TOKEN_RECHECK_MS : Math.min(Math.max(0, expiresAt - Date.now()) + 1_000, API_TOKEN_RECHECK_MS);
    entry.recheck = setTimeout(() => void recheck(entry, entry.authorization), delay);
    entry.recheck.unref();
  };

  /** Authenticates `authorization` again for the socket; closes it when it no longer names the same user with the same role. */
  const recheck = async (entry: LiveSocket, authorization: string): Promise<boolean> => {
    let auth;
    try {
      auth = await authenticate(services, services.orm.em.fork(), authorization, entry.meta.ip);
    } catch (error) {
      // The database is away: keep the socket, try again later rather than dropping every client at once.
      logger.warn({ err: error, requestId: entry.meta.requestId }, "could not re-check a subscription socket's credential");
      scheduleRecheck(entry);
      return false;
    }
    if (!live.has(entry.socket)) return false;
    if (!auth.viewer) {
      close(entry.socket, SocketClose.UNAUTHORIZED, auth.problem ?? "Authentication required.");
      return false;
    }
    if (auth.viewer.userId !== entry.viewer.userId) {
      close(entry.socket, SocketClose.FORBIDDEN, "This token is another user's: open a new socket for them.");
      return false;
    }
    if (auth.viewer.role !== entry.viewer.role) {
      close(entry.socket, SocketClose.FORBIDDEN, "Your role changed: reconnect to subscribe with its permissions.");
      return false;
    }
    entry.authorization = authorization;
    entry.viewer = auth.viewer;
    scheduleRecheck(entry);
    return true;
  };

  /** Committed here or on another replica (the event tail relays those): a credential may have ended. */
  const hear = (events: readonly CommittedEvent[]) => {
    if (!live.size) return;
    const concerned = new Set<LiveSocket>();
    for (const event of events) {
      if (!CREDENTIAL_EVENTS.has(event.type)) continue;
      const { type, id } = event.target;
      if (type === "User") for (const entry of byUser.get(id) ?? []) concerned.add(entry);
      else for (const entry of live.values()) if ((type === "Session" && entry.viewer.sessionId === id) || (type === "ApiToken" && entry.viewer.apiTokenId === id)) concerned.add(entry);
    }
    for (const entry of concerned) {
      // Set before the hub hands anything on (it dispatches asynchronously): a revoked session receives nothing more.
      const checking = recheck(entry, entry.authorization).finally(() => {
        if (entry.checking === checking) entry.checking = undefined;
      });
      entry.checking = checking;
    }
  };
  services.events.onCommitted(hear);
  services.events.onReplicated(hear);

  const refuse = (error: AppError): GraphQLError[] => [new GraphQLError(error.message, { originalError: error, extensions: error.extensions })];

  const formatted = (errors: readonly GraphQLError[], viewer: Viewer | undefined, requestId: string | undefined): GraphQLFormattedError[] =>
    errors.map((error) => {
      const result = format(error.toJSON(), error);
      if (result.extensions?.code === "INTERNAL_SERVER_ERROR") logger.error({ err: error.originalError ?? error, path: error.path, requestId }, "unexpected error in a subscription");
      if (config.production && viewer?.role !== Role.ADMIN && describesSchema(result)) return { ...result, message: SCHEMA_MISMATCH };
      return result;
    });

  /** How the fan-out executes and writes one subscription's events (subscription-fanout.ts). */
  const subscriptionOn = (entry: LiveSocket, id: string, payload: SubscribePayload, args: ExecutionArgs): SocketSubscription => {
    const { socket } = entry;
    const open = () => live.has(socket) && socket.readyState === socket.OPEN;
    return {
      framePrefix: Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`),
      operationKey: `${payload.operationName ?? ""}\u0000${JSON.stringify(payload.variables ?? {})}\u0000${payload.query}`,
      viewer: () => entry.viewer,
      mayReceive: () => (entry.checking ? entry.checking.then(open) : open()),
      write: (parts) => (open() ? sendText(socket, parts) : undefined),
      async execute(event, viewer) {
        // A fresh scope per execution: the subscription's own context lives for hours (its loaders would keep stale users).
        const request = { ...(args.contextValue as { request: RequestMeta }).request, requestId: newRequestId() };
        const contextValue = createContext({ request, viewer, em: services.orm.em.fork(), services });
        primeEventActor(contextValue, event);
        const result = await execute({ ...args, contextValue, rootValue: event });
        const errors = result.errors?.length ? formatted(result.errors, viewer, request.requestId) : undefined;
        return JSON.stringify(errors ? { data: result.data, errors } : { data: result.data });
      },
    };
  };

  const { handler, stop: stopKeepAlive } = graphqlWsHandler(
    {
      schema,
      async subscribe(args) {
        const subscription = accepted.get(args);
        accepted.delete(args);
        if (!subscription) throw new Error("graphql-ws subscribed without onSubscribe's arguments");
        const source = await setups.run(() => createSourceEventStream(args));
        // Refused by a rule or the resolver: graphql-ws answers the errors (onNext formats them).
        if (!(Symbol.asyncIterator in source)) return source;
        if (!(source instanceof EventStream)) throw new Error("a subscription resolver returned a stream other than the hub's EventStream");
        return fanout.deliver(source as EventStream<CommittedEvent>, subscription);
      },
      connectionInitWaitTimeout: 5_000,
      async onConnect(ctx) {
        const { socket, meta } = ctx.extra;
        const params = ctx.connectionParams as ConnectionParams;
        const presented = params?.authorization ?? params?.Authorization;
        const authorization = typeof presented === "string" ? presented : ctx.extra.authorization;
        const auth = authorization ? await setups.run(() => authenticate(services, services.orm.em.fork(), authorization, meta.ip)) : null;
        if (!auth?.viewer || !authorization) {
          close(socket, SocketClose.UNAUTHORIZED, auth?.problem ?? 'Authentication required: send { "authorization": "Bearer <token>" } in connection_init.');
          return false;
        }
        if (socket.readyState !== socket.OPEN) return false;
        const mine = byUser.get(auth.viewer.userId) ?? new Set<LiveSocket>();
        if (mine.size >= config.subscriptions.socketsPerUser) {
          close(socket, SocketClose.TOO_MANY_SOCKETS, `Too many open sockets for this user (at most ${config.subscriptions.socketsPerUser}).`);
          return false;
        }
        const entry: LiveSocket = { socket, meta, viewer: auth.viewer, authorization, openedAt: Date.now(), subscribed: 0 };
        live.set(socket, entry);
        byUser.set(auth.viewer.userId, mine.add(entry));
        scheduleRecheck(entry);
        return true;
      },
      async onPing(ctx, payload) {
        const entry = live.get(ctx.extra.socket);
        const renewed = payload?.authorization;
        if (entry && typeof renewed === "string") await recheck(entry, renewed);
      },
      async onSubscribe(ctx, id, payload: SubscribePayload) {
        const entry = live.get(ctx.extra.socket);
        if (!entry) return refuse(new AppError("UNAUTHENTICATED", "This socket is not authenticated."));
        // ctx.subscriptions already holds this one.
        if (Object.keys(ctx.subscriptions).length > config.subscriptions.perSocket) {
          return refuse(new AppError("BAD_REQUEST", `This socket runs ${config.subscriptions.perSocket} subscriptions already (the limit): complete one, or open another socket.`, { extensions: { limit: config.subscriptions.perSocket } }));
        }
        const prepared = prepare(schema, payload, config.queryLimits.maxTokens, validationRules);
        if (Array.isArray(prepared)) return prepared;
        const { document, operationName } = prepared;
        const variables = payload.variables ?? {};
        let cost: number;
        try {
          cost = estimateCost(schema, document, operationName, variables);
        } catch (error) {
          if (error instanceof GraphQLError) return refuse(new BadUserInputError(error.message));
          throw error;
        }
        if (cost > config.queryLimits.maxCost) {
          return refuse(new AppError("QUERY_TOO_COMPLEX", `The query's estimated cost ${cost} exceeds the limit of ${config.queryLimits.maxCost}. Ask for fewer fields.`, { extensions: { cost, maxCost: config.queryLimits.maxCost } }));
        }
        const meta = { ...entry.meta, requestId: newRequestId(), operationName: operationName ?? null };
        try {
          await services.queryBudget.charge(entry.viewer, meta.ip, pointsFor(cost));
        } catch (error) {
          if (!(error instanceof QueryBudgetExceededError)) throw error;
          await services.rateLimitAudit.record(meta, entry.viewer, "query_budget", services.queryBudget.bucket(entry.viewer, meta.ip).key);
          return refuse(error);
        }
        entry.subscribed++;
        const contextValue = createContext({ request: meta, viewer: entry.viewer, em: services.orm.em.fork(), services });
        const args = { schema, document, operationName, variableValues: variables, contextValue } satisfies ExecutionArgs;
        accepted.set(args, subscriptionOn(entry, id, payload, args));
        return args;
      },
      onError(ctx, _id, _payload, errors) {
        const entry = live.get(ctx.extra.socket);
        return formatted(errors, entry?.viewer, ctx.extra.meta.requestId);
      },
      // Only a refusal's result passes here: the fan-out writes the events' results itself, formatted as these.
      onNext(ctx, _id, _payload, args, result) {
        if (!result.errors?.length) return;
        const entry = live.get(ctx.extra.socket);
        const requestId = (args.contextValue as { request?: { requestId?: string } } | undefined)?.request?.requestId;
        return { ...result, errors: formatted(result.errors, entry?.viewer, requestId) };
      },
      onClose(ctx, code, reason) {
        const entry = live.get(ctx.extra.socket);
        if (!entry) return;
        forget(entry);
        logger.info(
          { requestId: ctx.extra.meta.requestId, userId: entry.viewer.userId, code, reason: reason || undefined, durationMs: Date.now() - entry.openedAt, subscriptions: entry.subscribed },
          "subscription socket closed",
        );
      },
    },
    12_000, // keep-alive: a ping every 12 s, a peer that does not answer the next one is cut
    logger,
  );

  const closeAll = async (reason = "The server is shutting down: reconnect.") => {
    const sockets = [...app.websocketServer.clients];
    await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === socket.CLOSED) return resolve();
            socket.once("close", () => resolve());
            close(socket, SocketClose.GOING_AWAY, reason);
            // A peer that does not answer the close frame is cut.
            setTimeout(() => socket.terminate(), 2_000).unref();
          }),
      ),
    );
  };

  await app.register(websocket, {
    // A subscribe message is a query: the body limit applies.
    options: { maxPayload: config.http.bodyLimitBytes, handleProtocols },
    preClose: async () => {
      stopKeepAlive();
      await closeAll();
    },
  });
  app.decorate("liveSockets", {
    get count() {
      return live.size;
    },
    get executions() {
      return fanout.executions;
    },
    closeAll,
  } satisfies LiveSockets);
  return handler;
}

/** The subscribe message's document, checked as POST /graphql checks one; or the errors to answer. */
function prepare(schema: GraphQLSchema, payload: SubscribePayload, maxTokens: number, rules: typeof specifiedRules): { document: DocumentNode; operationName: string | undefined } | GraphQLError[] {
  if (typeof payload?.query !== "string") return [new GraphQLError("A subscribe message needs a `query` string.", { extensions: { code: "BAD_REQUEST" } })];
  let document: DocumentNode;
  try {
    assertTokenLimit(payload.query, maxTokens);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const { http: _http, ...extensions } = error.extensions;
    return [new GraphQLError(error.message, { extensions: { ...extensions, code: "QUERY_TOO_LARGE" } })];
  }
  try {
    document = parse(payload.query);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return [new GraphQLError(error.message, { extensions: { code: "GRAPHQL_PARSE_FAILED" } })];
  }
  const errors = validate(schema, document, rules);
  if (errors.length) return errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, originalError: error, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }));
  const operationName = payload.operationName ?? undefined;
  const operation = getOperationAST(document, operationName);
  if (!operation) return [new GraphQLError("Name the operation to run (operationName): the document holds several, or none.", { extensions: { code: "BAD_REQUEST" } })];
  if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
    return [new GraphQLError("This socket carries subscriptions; send queries and mutations to POST /graphql.", { extensions: { code: "BAD_REQUEST" } })];
  }
  return { document, operationName };
}

/** When a Bearer access token expires (ms), or null for an API token (their expiry is checked periodically). */
function accessTokenExpiry(authorization: string): number | null {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
  if (!token || token.startsWith(API_TOKEN_PREFIX)) return null;
  try {
    const { exp } = decodeJwt(token); // already verified by authenticate()
    return typeof exp === "number" ? exp * 1000 : null;
  } catch {
    return null;
  }
}

function limitReason(reason: string): string {
  const bytes = Buffer.from(reason);
  return bytes.length <= MAX_REASON_BYTES ? reason : `${bytes.subarray(0, MAX_REASON_BYTES - 3).toString("utf8").replace(/\uFFFD$/, "")}...`;
}
