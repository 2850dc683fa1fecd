import { queue, ticket } from "./b1-queries.js";
import { baselineAuth } from "./baseline-auth.js";
import { baselineServer } from "./baseline-server.js";
import { QUEUE, TICKET } from "./documents.js";

/**
 * B1, the practical limit: a hand-written HTTPS handler (Fastify, mysql2, the same certificate)
 * that answers Q1 and Q2 with the same bytes as DeskQL from the fewest and cheapest SQL
 * statements either side has found (b1-queries.ts). It authenticates like DeskQL
 * (baseline-auth.ts), so the comparison is about everything else.
 */
const { app, sql, serve } = baselineServer(process.env);
const viewer = baselineAuth(sql, process.env);

const unauthenticated = '{"errors":[{"message":"Authentication required.","extensions":{"code":"UNAUTHENTICATED"}}],"data":null}\n';
app.post("/graphql", async (request, reply) => {
  reply.type("application/json; charset=utf-8");
  const { query, variables } = request.body as { query?: string; variables?: Record<string, unknown> };
  const who = await viewer(request.headers.authorization);
  if (!who) return reply.send(unauthenticated);
  if (who.role !== "AGENT" && who.role !== "ADMIN") return reply.code(400).send('{"errors":[{"message":"B1 serves staff only"}]}\n');
  if (query === QUEUE) return reply.send(await queue(sql, Number(variables?.first)));
  if (query === TICKET) {
    const body = await ticket(sql, String(variables?.id), who);
    return body ? reply.send(body) : reply.code(404).send('{"errors":[{"message":"not found"}]}\n');
  }
  return reply.code(400).send('{"errors":[{"message":"B1 answers only the benchmark documents Q1 and Q2"}]}\n');
});

await serve();
