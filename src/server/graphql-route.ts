import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { fastifyApolloHandler } from "@as-integrations/fastify";
import type { WebsocketHandler } from "@fastify/websocket";
import type { FastifyInstance } from "fastify";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import { protectionPlugin, requestLogPlugin } from "../graphql/apollo-plugins.js";
import { createContext, type Context } from "../graphql/context.js";
import { rateLimitPlugin } from "../graphql/rate-limit.plugin.js";
import { idempotencyPlugin } from "../graphql/idempotency.plugin.js";
import { createErrorFormatter, errorLoggingPlugin, serviceUnavailablePlugin } from "../graphql/error-formatting.js";
import { jitGateway } from "../graphql/jit-executor.js";
import { queryLimitRules } from "../graphql/limits.js";
import { singleMutationRule } from "../graphql/single-mutation.js";
import { storableTextPlugin } from "../graphql/storable-text.js";
import type { Services } from "../services.js";
import { rateLimitHeaders } from "../modules/rate-limit/query-budget.js";
import type { AuthEdge } from "./auth-edge.js";
import type { Observability } from "./observability/observability.js";
import { graphqlTokenLimit } from "./graphql-token-limit.js";
import { httpBinding } from "./refresh-cookie.js";
import { requestMeta } from "./request-meta.js";
import type { ServerTuning } from "./tuning.js";

/**
 * POST /graphql (and GET for Sandbox). CSRF prevention stays on (Apollo's default: a simple
 * request needs a non-simple content type or `apollo-require-preflight`), batching stays off.
 */
export async function registerGraphql(
  app: FastifyInstance,
  { services, schema, logger, edge, tuning, subscriptions, observability }: { services: Services; schema: GraphQLSchema; logger: Logger; edge: AuthEdge; tuning: ServerTuning; subscriptions?: WebsocketHandler; observability?: Observability },
): Promise<ApolloServer<Context>> {
  const { config } = services;
  const apollo = new ApolloServer<Context>({
    // graphql-jit executes (Apollo still parses, validates and runs the plugins); GRAPHQL_JIT=false keeps graphql-js.
    ...(config.graphqlJit ? { gateway: jitGateway(schema, { maxDocuments: 1000 }) } : { schema }),
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Parsed and validated documents are reused (Apollo's default LRU), unless the benchmark turns caches off.
    ...(tuning.caches === false ? { documentStore: null } : {}),
    // Introspection is gated per caller in protectionPlugin (admins keep it in production).
    introspection: true,
    includeStacktraceInErrorResponses: false,
    validationRules: [...queryLimitRules(config.queryLimits), singleMutationRule],
    formatError: createErrorFormatter({ classify: (error) => app.outage.classify(error) }),
    logger: { debug: () => {}, info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
    plugins: [
      // No Apollo drain plugin: it force-closes after a fixed 10 s; shutdown drains in drain.ts with SHUTDOWN_GRACE_MS.
      // The cache-control plugin hooks every field's resolution to compute HTTP cache hints we
      // never send (responses are per-user); off, it costs nothing.
      ApolloServerPluginCacheControlDisabled(),
      // Federation's inline traces are for subgraphs, which this is not; Apollo loads the plugin and
      // its protobuf library (~1.5 MB of heap) unless told.
      ApolloServerPluginInlineTraceDisabled(),
      storableTextPlugin(), // first: when it and a limit both refuse, the client learns of its input
      protectionPlugin(config),
      rateLimitPlugin(services), // after protectionPlugin: it charges the cost that plugin computes
      idempotencyPlugin(services.idempotency), // Idempotency-Key on the mutations declared idempotent()
      errorLoggingPlugin(logger),
      serviceUnavailablePlugin(),
      requestLogPlugin(),
      ...(observability?.apolloPlugins() ?? []), // metrics and the operation's span, when on
      // Sandbox for admins' browsers; it loads from Apollo's CDN, which the CSP allows on this route only.
      ApolloServerPluginLandingPageLocalDefault({ embed: { endpointIsEditable: false }, includeCookies: false, footer: false }),
    ],
  });
  await apollo.start();

  const apolloHandler = fastifyApolloHandler(apollo, {
    context: async (request, reply) =>
      createContext({ request: requestMeta(request), viewer: request.viewer, em: edge.entityManager(request), services, http: httpBinding(request, reply) }),
  });
  // Traced: a span around Apollo's work, the parent of the operation's SQL (observability.ts).
  const handler = observability ? observability.traceGraphql(apolloHandler) : apolloHandler;
  const tokenLimit = graphqlTokenLimit(config, tuning);
  // Two routes: GET (Sandbox, GET queries) also upgrades to the subscriptions' WebSocket (websocket.ts).
  for (const methods of [["POST", "OPTIONS"], ["GET"]]) app.route({
    method: methods,
    url: "/graphql",
    ...(methods[0] === "GET" && subscriptions ? { wsHandler: subscriptions } : {}),
    // The token is checked before the body is read: a bad one answers 401 at once (auth-edge.ts).
    config: { auth: "optional" },
    onRequest: [
      // How much API traffic flows decides how many cores password hashing may take (hash-slots.ts).
      (_request, _reply, done) => {
        services.hasher.noteRequest();
        done();
      },
    ],
    preHandler: tokenLimit,
    // Responses turned away before an operation runs (too many tokens, malformed JSON, 413, CSRF)
    // still carry the caller's X-RateLimit-* headers; Apollo's own get them from rate-limit.plugin.ts.
    onSend: async (request, reply, payload) => {
      if (reply.hasHeader("x-ratelimit-limit") || edge.refused(request)) return payload;
      reply.headers(rateLimitHeaders(await services.queryBudget.peek(request.viewer, request.ip)));
      return payload;
    },
    handler,
  });
  return apollo;
}
