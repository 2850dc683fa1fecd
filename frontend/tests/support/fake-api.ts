import { vi } from "vitest";

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: any;
  /** The GraphQL operation name, for POST /graphql. */
  operationName?: string;
}

type Reply = { status?: number; body: unknown };
type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

/**
 * Replaces fetch with a fake API: each request is recorded and answered by the first route
 * whose key ("/auth/refresh" or a GraphQL operation name such as "Login") matches.
 */
export function fakeApi(routes: Record<string, Handler | Reply | Reply[]>) {
  const requests: RecordedRequest[] = [];
  const queues = new Map<string, Reply[]>();
  for (const [key, value] of Object.entries(routes)) if (Array.isArray(value)) queues.set(key, [...value]);

  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    const body = typeof init.body === "string" ? JSON.parse(init.body) : init.body;
    const request: RecordedRequest = {
      url: String(input),
      method: init.method ?? "GET",
      headers,
      body,
      operationName: body?.operationName,
    };
    requests.push(request);
    const key = request.url === "/graphql" ? (request.operationName ?? "") : request.url;
    const route = routes[key];
    if (route === undefined) throw new TypeError(`fake API: no route for ${key}`);
    let reply: Reply;
    if (Array.isArray(route)) {
      const queue = queues.get(key)!;
      reply = queue.length > 1 ? queue.shift()! : queue[0]!;
    } else {
      reply = typeof route === "function" ? await route(request) : route;
    }
    return new Response(JSON.stringify(reply.body), {
      status: reply.status ?? 200,
      headers: { "Content-Type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return { requests, fetch: fetchMock, to: (key: string) => requests.filter((r) => (r.url === "/graphql" ? r.operationName : r.url) === key) };
}

export const customer = { id: "u-1", email: "casey@example.com", displayName: "Casey Customer", role: "CUSTOMER" } as const;
export const agent = { id: "u-2", email: "alex@example.com", displayName: "Alex Agent", role: "AGENT" } as const;

export function session(user: { id: string; email: string; displayName: string; role: string } = customer, token = "access-1", expiresIn = 900): Reply {
  return { body: { accessToken: token, expiresIn, user } };
}

export const noSession: Reply = { status: 401, body: { errors: [{ message: "No session cookie: sign in.", extensions: { code: "UNAUTHENTICATED" } }] } };

export function graphqlError(code: string, message: string, extensions: Record<string, unknown> = {}, status = 200): Reply {
  return { status, body: { errors: [{ message, extensions: { code, ...extensions } }], data: null } };
}
