import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { announceReady, serveParent } from "./child-ipc.js";

/**
 * The events benchmark's memory baseline: the same TLS server (Node's https, the same
 * certificate and options as src/server/app.ts) and the same `ws` as DeskQL's subscriptions,
 * with no Fastify, no GraphQL and no graphql-ws. It acknowledges any message with
 * `connection_ack`, so the harness opens its sockets exactly as it opens DeskQL's. What 1,000
 * idle sockets cost here is what TLS and `ws` cost; the rest of DeskQL's figure is ours.
 */
const server = createServer({ key: readFileSync(process.env.TLS_KEY_FILE!), cert: readFileSync(process.env.TLS_CERT_FILE!), minVersion: "TLSv1.2" });
const sockets = new WebSocketServer({
  noServer: true,
  handleProtocols: (protocols) => (protocols.has("graphql-transport-ws") ? "graphql-transport-ws" : false),
});
server.on("upgrade", (request, socket, head) => sockets.handleUpgrade(request, socket, head, (ws) => ws.on("message", () => ws.send('{"type":"connection_ack"}'))));
server.listen(0, "127.0.0.1", () => {
  serveParent({
    counts: () => ({ requests: 0, statements: 0 }),
    stop: async () => {
      for (const ws of sockets.clients) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  announceReady((server.address() as AddressInfo).port);
});
