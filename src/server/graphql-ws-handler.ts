import type { WebsocketHandler } from "@fastify/websocket";
import type { FastifyRequest } from "fastify";
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from "graphql-ws";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import type { RequestMeta } from "../core/scope.js";
import { requestMeta } from "./request-meta.js";

/** What a socket keeps of its upgrade request: not the request itself (Fastify's request and reply, their logger, the raw message). */
export interface SocketExtra {
  socket: WebSocket;
  meta: RequestMeta;
  /** The upgrade request's Authorization header, when it had one. */
  authorization: string | undefined;
}

/**
 * graphql-ws on @fastify/websocket, as graphql-ws's own adapter (`graphql-ws/use/@fastify/websocket`)
 * but lighter per idle socket, which is what 1,000 subscribers cost (bench/events.ts): one
 * keep-alive timer for all sockets instead of an interval and its closures per socket, and no
 * reference to the upgrade's Fastify request and reply (kept alive by @fastify/websocket's
 * per-socket error listener and the adapter's `extra`, a few KB each).
 *
 * Keep-alive: every `keepAliveMs` each socket is pinged; one that has not answered the previous
 * ping by then is cut.
 */
export function graphqlWsHandler(options: ServerOptions<Record<string, unknown> | undefined, SocketExtra>, keepAliveMs: number, logger: Logger): { handler: WebsocketHandler; stop(): void } {
  const server = makeServer(options);
  const awaitingPong = new Map<WebSocket, boolean>();
  const keepAlive = setInterval(() => {
    for (const [socket, waiting] of awaitingPong) {
      if (waiting) {
        socket.terminate();
        continue;
      }
      if (socket.readyState !== socket.OPEN) continue;
      awaitingPong.set(socket, true);
      socket.ping();
    }
  }, keepAliveMs);
  keepAlive.unref();

  function answered(this: WebSocket) {
    if (awaitingPong.has(this)) awaitingPong.set(this, false);
  }
  function failed(this: WebSocket, error: Error) {
    logger.warn({ err: error }, "a subscription socket failed");
    this.close(CloseCode.InternalServerError, "Internal server error");
  }

  const handler: WebsocketHandler = function (socket: WebSocket, request: FastifyRequest) {
    // @fastify/websocket's own listener holds the request and reply for the socket's life; ours does not.
    socket.removeAllListeners("error");
    releaseUpgradeResponse(request.raw.socket);
    socket.on("error", failed);
    socket.on("pong", answered);
    awaitingPong.set(socket, false);
    const header = request.headers.authorization;
    const extra: SocketExtra = { socket, meta: requestMeta(request), authorization: typeof header === "string" ? header : undefined };
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (receive) =>
          socket.on("message", (data) => {
            receive(String(data)).catch((error: unknown) => {
              logger.error({ err: error, requestId: extra.meta.requestId }, "could not handle a subscription socket's message");
              socket.close(CloseCode.InternalServerError, "Internal server error");
            });
          }),
      },
      extra,
    );
    socket.once("close", (code, reason) => {
      awaitingPong.delete(socket);
      void closed(code, String(reason));
    });
  };
  return { handler, stop: () => clearInterval(keepAlive) };
}

/**
 * @fastify/websocket routes an upgrade with a ServerResponse assigned to the socket, which stays
 * its `_httpMessage` after the upgrade: through it each socket kept the upgrade's request, its
 * Fastify request and reply and their child logger (about 2 KB a socket, in a heap snapshot of
 * 1,000 idle sockets), and the drain (drain.ts) counted the upgrade in flight until the socket
 * closed. Node's own detachSocket() lets them go; the 'close' it would have emitted at the
 * socket's end is emitted now, as the HTTP exchange is over (the socket speaks WebSocket).
 */
function releaseUpgradeResponse(socket: Socket): void {
  const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (response?.socket !== socket) return;
  response.detachSocket(socket);
  response.emit("close");
}

export { handleProtocols };
