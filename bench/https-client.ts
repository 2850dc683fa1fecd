import { request } from "node:https";

/**
 * One HTTPS POST that trusts exactly the benchmark server's own certificate; used for setup
 * (sign-ins, reference responses, byte-equality checks), never for load.
 */
export function post(port: number, path: string, body: string, headers: Record<string, string>, ca: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: "POST", headers: { "content-type": "application/json", ...headers }, ca, servername: "localhost" },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A GraphQL call that must succeed: any `errors` entry fails the benchmark's setup loudly. */
export async function gql<T>(port: number, ca: Buffer, query: string, variables: Record<string, unknown>, token?: string): Promise<{ data: T; text: string }> {
  const res = await post(port, "/graphql", JSON.stringify({ query, variables }), token ? { authorization: `Bearer ${token}` } : {}, ca);
  let parsed: GraphQLResponse<T>;
  try {
    parsed = JSON.parse(res.text) as GraphQLResponse<T>;
  } catch {
    throw new Error(`non-JSON response (${res.status}): ${res.text.slice(0, 300)}`);
  }
  if (res.status !== 200 || parsed.errors?.length || !parsed.data) {
    throw new Error(`GraphQL call failed (${res.status}): ${res.text.slice(0, 500)}`);
  }
  return { data: parsed.data, text: res.text };
}
