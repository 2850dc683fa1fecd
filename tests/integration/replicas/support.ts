import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "../../support/server.js";

/**
 * Two replicas as an operator runs them: separate processes' worth of state (their own ORM,
 * services and caches) on one database, one Redis and one keys folder.
 */
export interface Replicas {
  a: TestServer;
  b: TestServer;
  keysDir: string;
  close(): Promise<void>;
}

export async function startReplicas(env: Record<string, string>): Promise<Replicas> {
  const keysDir = mkdtempSync(join(tmpdir(), "deskql-replica-keys-"));
  const shared = { JWT_KEYS_DIR: keysDir, ...env };
  const a = await startTestServer({ env: shared });
  let b: TestServer;
  try {
    b = await startTestServer({ env: { ...shared, ...a.databaseEnv } });
  } catch (error) {
    await a.close();
    throw error;
  }
  return {
    a,
    b,
    keysDir,
    async close() {
      await b.close(); // first: a drops the database
      await a.close();
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
}

/** What a request with `token` gets: "OK", or the error's code. */
export async function answer(t: TestServer, token: string): Promise<string> {
  const res = await t.gql(`{ me { id role } }`, {}, token);
  return res.errors?.[0]?.extensions?.code ?? (res.data?.me ? "OK" : "NO_USER");
}

/**
 * Polls `check` until it holds or `withinMs` passes (then throws with `what`). Not a sleep: it
 * returns as soon as the behaviour shows, and the deadline only bounds a broken build.
 */
export async function eventually(what: string, check: () => Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const ME_ROLE = `{ me { role } }`;
