import { performance } from "node:perf_hooks";
import { createClient, type Sink } from "graphql-ws";
import WebSocket from "ws";

/**
 * GraphQL subscription sockets for the events benchmark, over `ws` with TLS trusting exactly the
 * server's certificate, the credential in connection_init. Two kinds (`SubscriberKind`):
 * - "graphql-ws": the `graphql-ws` client, as integrators open them;
 * - "lean": the same protocol (graphql-transport-ws) spoken directly: each message parsed with
 *   JSON.parse and checked (type, id), without the client library's validation and emitters. The
 *   subscribers stand in for browsers on other machines but read on the server's two cores here;
 *   the library spent about 10 µs of a 20 µs read per message, CPU the server then lacked.
 */
export type SubscriberKind = "lean" | "graphql-ws";

export interface LiveSocket {
  /** Starts a subscription; returns the function that completes it. */
  subscribe(payload: { query: string; variables: Record<string, unknown> }, sink: SubscriptionSink): () => void;
  dispose(): void | Promise<void>;
  /** Resolves when the socket closes (for whatever reason). */
  closed: Promise<void>;
}

export interface SubscriptionSink {
  next(result: { data?: Record<string, unknown> | null; errors?: unknown }): void;
  error(error: unknown): void;
  complete(): void;
}

/** A received `next`: which socket, the event, and when it arrived (ms since the epoch, sub-ms). */
export interface Arrival {
  socket: number;
  event: { id: string; type: string; occurredAt: string; target: { id: string } };
  at: number;
}

export const wallNow = () => performance.timeOrigin + performance.now();

export function openSocket(port: number, ca: Buffer, token: string, kind: SubscriberKind = "graphql-ws"): Promise<LiveSocket> {
  if (kind === "lean") return openLeanSocket(port, ca, token);
  class TrustingWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      // ws passes `servername` through to tls.connect (its types omit it): the certificate names localhost.
      super(address, protocols, { ca, servername: "localhost", perMessageDeflate: false } as WebSocket.ClientOptions);
    }
  }
  return new Promise((resolve, reject) => {
    let markClosed!: () => void;
    const closed = new Promise<void>((done) => (markClosed = done));
    const client = createClient({
      url: `wss://127.0.0.1:${port}/graphql`,
      webSocketImpl: TrustingWebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
      keepAlive: 0,
      onNonLazyError: (error) => reject(error instanceof Error ? error : new Error(`socket refused: ${describe(error)}`)),
      on: {
        connected: () => resolve({ subscribe: (payload, sink) => client.subscribe(payload, sink as Sink), dispose: () => client.dispose(), closed }),
        closed: (event) => {
          markClosed();
          reject(new Error(`socket closed before it was acknowledged: ${describe(event)}`));
        },
      },
    });
  });
}

/** The graphql-transport-ws protocol over a bare `ws` socket (the "lean" subscriber). */
function openLeanSocket(port: number, ca: Buffer, token: string): Promise<LiveSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`wss://127.0.0.1:${port}/graphql`, "graphql-transport-ws", { ca, servername: "localhost", perMessageDeflate: false } as WebSocket.ClientOptions);
    const sinks = new Map<string, SubscriptionSink>();
    let nextId = 1;
    let acknowledged = false;
    const closed = new Promise<void>((done) => ws.once("close", () => done()));
    const send = (message: object) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(message));
    ws.once("open", () => send({ type: "connection_init", payload: { authorization: `Bearer ${token}` } }));
    ws.on("error", (error) => acknowledged || reject(error)); // after the ack, "close" follows and tells the sinks
    ws.once("close", (code, reason) => {
      if (!acknowledged) reject(new Error(`socket closed before it was acknowledged: ${code} ${String(reason)}`.trim()));
      for (const sink of sinks.values()) sink.error(new Error(`socket closed: ${code}`));
      sinks.clear();
    });
    ws.on("message", (data: Buffer) => {
      const message = JSON.parse(data.toString("utf8")) as { type?: unknown; id?: unknown; payload?: unknown };
      const sink = typeof message.id === "string" ? sinks.get(message.id) : undefined;
      switch (message.type) {
        case "connection_ack":
          acknowledged = true;
          return resolve({
            subscribe(payload, subscriber) {
              const id = String(nextId++);
              sinks.set(id, subscriber);
              send({ id, type: "subscribe", payload });
              return () => {
                if (sinks.delete(id)) send({ id, type: "complete" });
              };
            },
            dispose: () => {
              ws.close(1000, "Normal Closure");
              return closed;
            },
            closed,
          });
        case "next":
          if (!sink) throw new Error(`a "next" for subscription ${String(message.id)}, which is not open`);
          return sink.next(message.payload as { data?: Record<string, unknown> | null; errors?: unknown });
        case "error":
          sinks.delete(message.id as string);
          return sink?.error(message.payload);
        case "complete":
          sinks.delete(message.id as string);
          return sink?.complete();
        case "ping":
          return send({ type: "pong" });
        case "pong":
          return;
        default:
          throw new Error(`an unknown graphql-transport-ws message: ${data.toString("utf8").slice(0, 200)}`);
      }
    });
  });
}

/** Opens `count` sockets, `concurrency` handshakes at a time; `token(i)` names each one's credential. */
export async function openSockets(count: number, concurrency: number, port: number, ca: Buffer, token: (i: number) => string, kind: SubscriberKind = "graphql-ws"): Promise<LiveSocket[]> {
  const sockets: LiveSocket[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        sockets[i] = await openSocket(port, ca, token(i), kind);
      }
    }),
  );
  return sockets;
}

/**
 * Subscribes every socket to `query`; each `next` becomes an Arrival for `onArrival`. Resolves
 * once the server has accepted every subscription, which `ready` tells: it must resolve after a
 * probe event has reached all of them.
 */
export function subscribeAll(
  sockets: LiveSocket[],
  query: string,
  variables: Record<string, unknown>,
  onArrival: (arrival: Arrival) => void,
  onError: (socket: number, error: unknown) => void,
  onRetry: () => void = () => undefined,
): () => void {
  let stopped = false;
  const stops: (() => void)[] = [];
  const start = (s: LiveSocket, i: number, retries: number) => {
    // A subscription refused as SERVICE_UNAVAILABLE (its set-up hit a database deadline) is sent again, as clients do.
    const retry = (errors: unknown) => {
      if (stopped || retries >= 5 || !JSON.stringify(errors ?? "").includes("SERVICE_UNAVAILABLE")) return false;
      onRetry();
      setTimeout(() => start(s, i, retries + 1), 250);
      return true;
    };
    stops[i] = s.subscribe(
      { query, variables },
      {
        next: (result) => {
          const at = wallNow();
          const event = result.data ? (Object.values(result.data)[0] as Arrival["event"] | undefined) : undefined;
          if (event) return onArrival({ socket: i, event, at });
          if (!retry(result.errors)) onError(i, result.errors ?? "a result without data");
        },
        error: (error) => retry(error) || onError(i, error),
        complete: () => undefined,
      },
    );
  };
  sockets.forEach((s, i) => start(s, i, 0));
  return () => {
    stopped = true;
    stops.forEach((stop) => stop());
  };
}

export async function closeSockets(sockets: LiveSocket[]): Promise<void> {
  await Promise.all(sockets.map((s) => s.dispose()));
}

function describe(value: unknown): string {
  if (value && typeof value === "object" && "code" in value) return `${(value as { code: number }).code} ${(value as { reason?: string }).reason ?? ""}`.trim();
  return value instanceof Error ? value.message : String(value);
}
