import { performance } from "node:perf_hooks";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

/**
 * GraphQL subscription sockets for the events benchmark, as integrators open them: the
 * `graphql-ws` client over `ws`, TLS trusting exactly the server's certificate, the credential
 * in connection_init.
 */
export interface LiveSocket {
  client: Client;
  /** Resolves when the socket closes (for whatever reason). */
  closed: Promise<void>;
}

/** A received `next`: which socket, the event, and when it arrived (ms since the epoch, sub-ms). */
export interface Arrival {
  socket: number;
  event: { id: string; type: string; occurredAt: string; target: { id: string } };
  at: number;
}

export const wallNow = () => performance.timeOrigin + performance.now();

export function openSocket(port: number, ca: Buffer, token: string): Promise<LiveSocket> {
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
        connected: () => resolve({ client, closed }),
        closed: (event) => {
          markClosed();
          reject(new Error(`socket closed before it was acknowledged: ${describe(event)}`));
        },
      },
    });
  });
}

/** Opens `count` sockets, `concurrency` handshakes at a time; `token(i)` names each one's credential. */
export async function openSockets(count: number, concurrency: number, port: number, ca: Buffer, token: (i: number) => string): Promise<LiveSocket[]> {
  const sockets: LiveSocket[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        sockets[i] = await openSocket(port, ca, token(i));
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
    stops[i] = s.client.subscribe<{ [field: string]: Arrival["event"] }>(
      { query, variables },
      {
        next: (result) => {
          const at = wallNow();
          const event = result.data ? Object.values(result.data)[0] : undefined;
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
  await Promise.all(sockets.map((s) => s.client.dispose()));
}

function describe(value: unknown): string {
  if (value && typeof value === "object" && "code" in value) return `${(value as { code: number }).code} ${(value as { reason?: string }).reason ?? ""}`.trim();
  return value instanceof Error ? value.message : String(value);
}
