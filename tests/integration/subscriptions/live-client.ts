import type { FormattedExecutionResult } from "graphql";
import { createClient, type Client } from "graphql-ws";

type ExecutionResult<T> = FormattedExecutionResult<T, unknown>;
import { expect } from "vitest";
import WebSocket from "ws";
import type { TestServer } from "../../support/server.js";

/** The server's wss:// address of /graphql. */
export const wsUrl = (t: TestServer) => `${t.url.replace(/^https/, "wss")}/graphql`;

/** A graphql-ws client as integrators use it: `ws` as the WebSocket, trusting the test server's CA. */
export function liveClient(t: TestServer, token: string | null, options: { retryAttempts?: number } = {}): Client {
  const ca = t.ca;
  class TrustingWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { ca });
    }
  }
  return createClient({
    url: wsUrl(t),
    webSocketImpl: TrustingWebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: options.retryAttempts ?? 0,
    lazy: true,
  });
}

export interface Feed<T = any> {
  /** The `next` payloads so far. */
  readonly results: ExecutionResult<T>[];
  /** The error that ended the subscription, if one did. */
  readonly error: unknown;
  /** Waits (with a deadline) until `predicate` holds for the results so far. */
  until(predicate: (results: ExecutionResult<T>[]) => boolean, what: string, timeoutMs?: number): Promise<ExecutionResult<T>[]>;
  /**
   * Waits for the refusal of the subscription and returns its code: an `error` message (refused
   * before it ran: validation, limits, budget) or a lone result with errors (refused by its
   * rule or its resolver, as graphql-js answers a subscribe that returns no stream).
   */
  refused(timeoutMs?: number): Promise<string | undefined>;
  stop(): void;
}

/** Subscribes and collects what arrives. */
export function subscribe<T = any>(client: Client, query: string, variables?: Record<string, unknown>): Feed<T> {
  const results: ExecutionResult<T>[] = [];
  let error: unknown;
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  const stop = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        results.push(result);
        notify();
      },
      error: (e) => {
        error = e ?? new Error("subscription failed");
        notify();
      },
      complete: () => notify(),
    },
  );
  const waitFor = <R>(check: () => R | undefined, what: string, timeoutMs: number) =>
    new Promise<R>((resolve, reject) => {
      const poll = () => {
        const value = check();
        if (value === undefined) return;
        waiters.delete(poll);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        waiters.delete(poll);
        reject(new Error(`timed out waiting for ${what}; received ${JSON.stringify(results)}, error ${JSON.stringify(error)}`));
      }, timeoutMs);
      waiters.add(poll);
      poll();
    });
  return {
    results,
    get error() {
      return error;
    },
    until: (predicate, what, timeoutMs = 10_000) => waitFor(() => (predicate(results) ? results : undefined), what, timeoutMs),
    refused: (timeoutMs = 10_000) =>
      waitFor(
        () => {
          const errors = (Array.isArray(error) ? error : results.find((r) => r.errors?.length)?.errors) as { extensions?: { code?: string } }[] | undefined;
          return errors ? String(errors[0]?.extensions?.code) : undefined;
        },
        "the subscription to be refused",
        timeoutMs,
      ),
    stop,
  };
}

/** Polls (with a deadline) until the server's hub has `count` subscribers: a subscribe is registered asynchronously. */
export async function subscribersReach(t: TestServer, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (t.server.services.subscriptionHub.subscriberCount !== count) {
    if (Date.now() > deadline) expect.fail(`the hub has ${t.server.services.subscriptionHub.subscriberCount} subscribers, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface RawSocket {
  socket: WebSocket;
  /** Messages received so far. */
  messages: any[];
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: object): void;
  /** Waits (with a deadline) for a message of `type`. */
  message(type: string, timeoutMs?: number): Promise<any>;
}

/** A bare socket speaking graphql-transport-ws by hand, to see close codes exactly. */
export async function rawSocket(t: TestServer, init?: object | null): Promise<RawSocket> {
  const socket = new WebSocket(wsUrl(t), "graphql-transport-ws", { ca: t.ca });
  const messages: any[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  socket.on("message", (data) => messages.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const send = (message: object) => socket.send(JSON.stringify(message));
  if (init !== null) send({ type: "connection_init", payload: init ?? {} });
  return {
    socket,
    messages,
    closed,
    send,
    async message(type, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find((m) => m.type === type);
        if (found) return found;
        if (Date.now() > deadline || socket.readyState === WebSocket.CLOSED) expect.fail(`no ${type} message; got ${JSON.stringify(messages)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

export const EVENT_FIELDS = "id type occurredAt position visibility payload actor { id } target { type id }";
export const TICKET_EVENTS = `subscription($id: ID!) { ticketEvents(ticketId: $id) { ${EVENT_FIELDS} } }`;
export const DESK_EVENTS = `subscription($f: DeskEventFilter) { deskEvents(filter: $f) { ${EVENT_FIELDS} } }`;
export const MY_TICKET_EVENTS = `subscription { myTicketEvents { ${EVENT_FIELDS} } }`;
