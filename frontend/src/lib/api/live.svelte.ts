import { print } from "@0no-co/graphql.web";
import { createClient, type Client } from "graphql-ws";
import { untrack } from "svelte";
import { auth } from "../auth/auth.svelte.ts";
import type { ResultOf, TadaDocumentNode, VariablesOf } from "../graphql/graphql.ts";
import { noteLiveActivity } from "../ui/page-title.ts";
import { GRAPHQL_PATH } from "./graphql-http.ts";

type AnyDocument = TadaDocumentNode<any, any>;

/** The part of a graphql-ws client the live screens use (tests hand in a fake). */
export type LiveClient = Pick<Client, "subscribe">;

/** How often an open socket is handed a renewed access token (the server closes it 4401 once the old one expires). */
const RENEW_CHECK_MS = 15_000;
/** Events arriving together (a reply that also moves the ticket) cause one refetch. */
const COALESCE_MS = 150;

/** Told when the socket came back after a drop: what they show may have missed events meanwhile. */
const reconnected = new Set<() => void>();
let client: LiveClient | null | undefined;
let openSocket: WebSocket | null = null;
let socketToken: string | null = null;

/**
 * The one graphql-ws client of the page, on the API's own origin (wss://host/graphql). It opens
 * the socket on the first subscription and closes it after the last; a dropped socket is
 * reconnected with exponential back-off and jitter (30 s at most), forever, and every screen
 * then refetches what it shows, so nothing committed meanwhile is missed. connection_init
 * carries the access token (refreshed first when expired); a socket the server closes with
 * 4401 (session ended, token expired) refreshes the session before it reconnects, and a
 * renewed token is handed to the open socket in a ping so it is not closed at the old one's expiry.
 */
function liveClient(): LiveClient | null {
  if (client !== undefined) return client;
  if (typeof WebSocket === "undefined" || import.meta.env.MODE === "test") return (client = null);
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${GRAPHQL_PATH}`;
  client = createClient({
    url,
    lazy: true,
    lazyCloseTimeout: 3_000, // navigating from one live screen to the next keeps the socket
    retryAttempts: Number.MAX_SAFE_INTEGER,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** retries) * (0.5 + Math.random() / 2))),
    connectionParams: async () => {
      if (auth.tokenExpired) await auth.refresh();
      socketToken = auth.accessToken;
      return socketToken ? { authorization: `Bearer ${socketToken}` } : {};
    },
    on: {
      connected: (socket, _payload, wasRetry) => {
        openSocket = socket as WebSocket;
        if (wasRetry) for (const listener of [...reconnected]) listener();
      },
      closed: (event) => {
        openSocket = null;
        if ((event as CloseEvent | undefined)?.code === 4401 && auth.status === "signed-in") void auth.refresh();
      },
    },
  });
  setInterval(renewToken, RENEW_CHECK_MS);
  return client;
}

function renewToken(): void {
  const token = auth.accessToken;
  if (!openSocket || openSocket.readyState !== WebSocket.OPEN || !token || token === socketToken) return;
  openSocket.send(JSON.stringify({ type: "ping", payload: { authorization: `Bearer ${token}` } }));
  socketToken = token;
}

/** For tests: the client live screens subscribe through (null: none). */
export function useLiveClient(fake: LiveClient | null): void {
  client = fake;
}

/** Calls `fn` once for a burst of calls within COALESCE_MS. */
function coalesced(fn: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, COALESCE_MS);
  };
}

/**
 * Keeps a screen live: while `variables` is not null and someone is signed in, subscribes to
 * `document` and calls `changed` after each event (a burst coalesced into one call) and after
 * the socket came back from a drop. `each` sees every event as it arrives, before the burst's
 * `changed`. Each event also counts as unread activity in the tab's title while the tab is hidden.
 * Call during component initialisation; it stops on destroy.
 */
export function liveUpdates<D extends AnyDocument>(
  document: D,
  variables: () => VariablesOf<NoInfer<D>> | null,
  changed: (event: ResultOf<D> | null) => void,
  options: { each?: (event: ResultOf<D>) => void } = {},
): void {
  $effect(() => {
    const vars = variables();
    if (vars === null || auth.status !== "signed-in") return;
    return untrack(() => {
      const live = liveClient();
      if (!live) return;
      let last: ResultOf<D> | null = null;
      const notify = coalesced(() => changed(last));
      const onReconnect = () => {
        last = null;
        notify();
      };
      reconnected.add(onReconnect);
      let stop = () => {};
      const start = () => {
        stop = live.subscribe<ResultOf<D>>(
          { query: print(document), variables: vars as Record<string, unknown> },
          {
            next: (result) => {
              if (!result.data) return;
              last = result.data;
              noteLiveActivity();
              options.each?.(result.data);
              notify();
            },
            // Refused or ended by the server (it fell behind): subscribe again a little later, and refetch.
            error: () => {
              retry = setTimeout(() => {
                start();
                onReconnect();
              }, 5_000);
            },
            complete: () => {},
          },
        );
      };
      let retry: ReturnType<typeof setTimeout> | undefined;
      start();
      return () => {
        clearTimeout(retry);
        reconnected.delete(onReconnect);
        stop();
      };
    });
  });
}
