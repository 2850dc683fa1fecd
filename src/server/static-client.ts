import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { noRouteError, sendError } from "./error-envelope.js";

const API_PREFIXES = ["/graphql", "/auth/", "/health", "/ready", "/metrics", "/.well-known/", "/export/"];

/**
 * The built Svelte client, served from the API's own origin so the refresh cookie can stay
 * SameSite=Strict. Unknown GET paths fall back to index.html (client-side routes).
 */
export async function registerStaticClient(app: FastifyInstance, clientDir: string): Promise<void> {
  const index = join(clientDir, "index.html");
  if (!existsSync(index)) {
    app.get("/", async (_request, reply) =>
      reply.type("text/plain").send("DeskQL API is running. The web client is not built: run `npm run build:client`. GraphQL: /graphql"),
    );
    app.setNotFoundHandler((request, reply) => sendError(request, reply, noRouteError(request)));
    return;
  }
  await app.register(fastifyStatic, { root: clientDir, prefix: "/", wildcard: false, index: ["index.html"], cacheControl: false });
  app.setNotFoundHandler((request, reply) => {
    const isApi = API_PREFIXES.some((p) => request.url.startsWith(p));
    if (request.method === "GET" && !isApi && (request.headers.accept ?? "").includes("text/html")) {
      return reply.header("cache-control", "no-cache").sendFile("index.html");
    }
    return sendError(request, reply, noRouteError(request));
  });
  app.addHook("onSend", async (request, reply) => {
    // Vite's hashed assets never change; index.html must always be revalidated.
    if (request.url.startsWith("/assets/")) reply.header("cache-control", "public, max-age=31536000, immutable");
  });
}
