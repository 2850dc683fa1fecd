import { firstFailure, graphqlData, isUuid } from "./checks.js";
import type { Planned, Workload } from "./load.js";

/** A signed-in demo user. */
export interface Account {
  id: string;
  email: string;
  password: string;
  role: string;
  token: string;
}

export type ServerName = "main" | "uncached" | "unguarded" | "guardedDev" | "b1";

export interface Scenario {
  id: string;
  title: string;
  server: ServerName;
  connections: number;
  workload: Workload<any>;
  /** Also measured at a fixed rate of settings.fixedRateFraction of its maximum. */
  fixedRate: boolean;
  /** Runs beside the measured workload at this many requests per second (not measured itself). */
  background?: { workload: Workload<any>; rate: number; connections: number };
  /** Puts the database back after a writing run, so every run starts from the same state. */
  afterRun?: () => Promise<void>;
}

export const JSON_HEADERS = { "content-type": "application/json" };

export const bearer = (token: string) => ({ ...JSON_HEADERS, authorization: `Bearer ${token}` });

/** Round-robin over a list, shared by every connection of a run. */
export function rotate<T>(items: readonly T[]): () => T {
  if (!items.length) throw new Error("nothing to rotate over");
  let i = 0;
  return () => items[i++ % items.length]!;
}

export const LOGIN = "mutation BenchLogin($i: LoginInput!) { login(input: $i) { accessToken expiresIn user { id role } } }";

/** Q4: sign-ins round-robin over demo accounts; every response must carry a token for the right user. */
export function loginWorkload(accounts: readonly Account[]): Workload<Account> {
  const next = rotate(accounts);
  return {
    path: "/graphql",
    headers: JSON_HEADERS,
    request: (): Planned<Account> => {
      const account = next();
      return { body: JSON.stringify({ query: LOGIN, variables: { i: { email: account.email, password: account.password } } }), expect: account };
    },
    check(status, body, account) {
      const r = graphqlData(status, body);
      if ("reason" in r) return r.reason;
      const login = r.data.login;
      return firstFailure([
        [typeof login?.accessToken === "string" && login.accessToken.split(".").length === 3, "no access token"],
        [login?.expiresIn > 0, "bad expiresIn"],
        [login?.user?.id === account.id && isUuid(login.user.id), "token for the wrong user"],
        [login?.user?.role === account.role, "wrong role"],
      ]);
    },
  };
}

/**
 * B0: the same server answering a precomputed body at /bench/floor, sent the same request as
 * the query it stands in for, judged by the same check.
 */
export function floorWorkload(of: Workload<any>): Workload<any> {
  return { ...of, path: "/bench/floor" };
}

/** A fixed request whose response must be exactly `expected`. */
export function exactWorkload(path: string, headers: Record<string, string>, body: string, expected: string): Workload<string> {
  return {
    path,
    headers,
    request: { body, expect: expected },
    check: (status, text, want) => (status !== 200 ? `HTTP ${status}` : text === want ? null : "body differs"),
  };
}
