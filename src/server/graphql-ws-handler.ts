import type { WebsocketHandler } from "@fastify/websocket";
import type { FastifyRequest } from "fastify";
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from "graphql-ws";
import type { Logger } from "pino";
import type { Duplex } from "node:stream";
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

/** ws's internals that `sendText` relies on (ws 8): the sender's state and the socket under it. */
interface WsInternals {
  _socket?: Duplex;
  _sender?: { _state?: number; _queue?: unknown[] };
}

/**
 * Sends one text message made of `parts` (UTF-8) as one unmasked WebSocket frame in one write to
 * the socket, as ws's `send` would put it on the wire. ws writes a frame's header and its data
 * separately (a corked writev, and a string encoded per socket); the fan-out sends the same
 * payload to a thousand sockets, so it encodes the payload once and each socket's frame costs one
 * copy and one write (bench/events.ts). Only while ws would send at once itself: no extension
 * (permessage-deflate) and nothing queued in its sender; else through `send`.
 *
 * Undefined when the socket took the frame below its high-water mark; else a promise that
 * resolves when it drains (or closes), for the caller to hold the next frame back.
 */
export function sendText(socket: WebSocket, parts: readonly Buffer[]): Promise<void> | undefined {
  const { _socket: raw, _sender: sender } = socket as unknown as WsInternals;
  let length = 0;
  for (const part of parts) length += part.length;
  if (!raw || sender?._state !== 0 || sender._queue?.length || socket.extensions !== "") {
    return new Promise<void>((resolve) => socket.send(Buffer.concat(parts, length), { binary: false }, () => resolve()));
  }
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81; // FIN, text
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  let offset = header;
  for (const part of parts) offset += part.copy(frame, offset);
  if (raw.write(frame)) return undefined;
  return new Promise<void>((resolve) => {
    const done = () => {
      raw.off("drain", done);
      raw.off("close", done);
      resolve();
    };
    raw.on("drain", done);
    raw.on("close", done);
  });
}

export { handleProtocols };
