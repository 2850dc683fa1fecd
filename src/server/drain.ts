import type { Socket } from "node:net";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { AppError } from "../core/errors.js";
import { sendError } from "./error-envelope.js";
import type { Lifecycle } from "./health.js";

declare module "fastify" {
  interface FastifyInstance {
    /** Graceful shutdown (drain.ts). */
    drain: Drain;
  }
}

export interface DrainReport {
  /** Every request whose handler had started was answered before the grace period ended. */
  answeredAll: boolean;
  /** Requests still running when the grace period ended (cut). */
  cut: number;
}

/**
 * Our own graceful shutdown (Apollo's drain plugin force-closes after a fixed 10 s, whatever
 * SHUTDOWN_GRACE_MS says). Once shutdown begins:
 *
 * - the listener stays open and every new request (on a new or a kept-alive connection) is
 *   answered 503 SERVICE_UNAVAILABLE with `Connection: close`, so a client arriving late learns its
 *   request was not run instead of meeting a reset; /ready answers 503 shutting_down meanwhile;
 * - idle kept-alive connections are closed at once, and every answer sent from now on closes its
 *   connection;
 * - when the last request in flight is answered (or the grace period ends), the listener closes
 *   and every remaining connection (a half-sent request, a TLS handshake never finished) is cut.
 *
 * A request counts as real once its handler started (its body was read); one still being sent
 * when the grace period ends is cut without making the shutdown unclean.
 */
export class Drain {
  private readonly inFlight = new Set<FastifyRequest>();
  private readonly handling = new Set<FastifyRequest>();
  private readonly sockets = new Set<Socket>();
  private idle: (() => void) | undefined;

  constructor(
    private readonly app: FastifyInstance,
    private readonly lifecycle: Lifecycle,
  ) {
    app.server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
    app.addHook("onRequest", async (request, reply) => {
      if (this.lifecycle.shuttingDown) {
        reply.header("connection", "close");
        if (request.routeOptions.url === "/ready") return; // answers shutting_down itself
        return sendError(request, reply, new AppError("SERVICE_UNAVAILABLE", "The server is shutting down: this request was not run. Try again.", { extensions: { reason: "shutting_down", retryAfter: 1 } }));
      }
      this.inFlight.add(request);
      reply.raw.once("close", () => this.finished(request));
    });
    app.addHook("preHandler", async (request) => {
      if (this.inFlight.has(request)) this.handling.add(request);
    });
    app.addHook("onSend", async (_request, reply, payload) => {
      if (this.lifecycle.shuttingDown) reply.header("connection", "close");
      return payload;
    });
  }

  /** Runs the drain: resolves when every request in flight is answered or `graceMs` passed, the listener closed and every connection cut. */
  async run(graceMs: number): Promise<DrainReport> {
    this.lifecycle.shuttingDown = true;
    this.app.server.closeIdleConnections();
    if (this.inFlight.size) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.idle = resolve;
        timer = setTimeout(resolve, graceMs);
      });
      clearTimeout(timer);
    }
    const cut = this.handling.size;
    // Stop listening first, then cut what is left: a connection accepted in between would hold close() open.
    const closed = new Promise<void>((resolve) => this.app.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    return { answeredAll: cut === 0, cut };
  }

  private finished(request: FastifyRequest): void {
    this.inFlight.delete(request);
    this.handling.delete(request);
    if (!this.inFlight.size) this.idle?.();
  }
}
