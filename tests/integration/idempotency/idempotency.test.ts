import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onSqlite } from "../../support/dialect.js";
import { HOUR, useClock } from "../../support/mailbox.js";
import { startTestServer, type GraphQLResult, type TestServer } from "../../support/server.js";
import { startReplicas, type Replicas } from "../replicas/support.js";

/**
 * Idempotency-Key on creations (IETF httpapi draft), through the real HTTP API: a retry gets the
 * first response and writes nothing; another request under the key is refused (422), a duplicate
 * still in flight too (409); keys are the caller's own, last IDEMPOTENCY_KEY_HOURS, hold across
 * replicas (MariaDB: two servers on one database), and failures are not replayed.
 */
const CREATE = `mutation($i: CreateTicketInput!) { createTicket(input: $i) { id subject } }`;
const COUNT = `query($q: String) { tickets(filter: { search: $q }) { totalCount } }`;

let replicas: Replicas | undefined;
let a: TestServer;
let b: TestServer;
let customer: { id: string; token: string };
let other: { token: string };

beforeAll(async () => {
  // On MariaDB two replicas share the database; the embedded database is one process.
  if (onSqlite) a = b = await startTestServer({ env: { SESSION_IDLE_MINUTES: "43200" } });
  else {
    replicas = await startReplicas({ SESSION_IDLE_MINUTES: "43200" });
    ({ a, b } = replicas);
  }
  customer = await a.createUser("CUSTOMER");
  other = await a.createUser("CUSTOMER");
}, 180_000);

afterAll(async () => {
  if (replicas) await replicas.close();
  else await a?.close();
});

interface Sent {
  status: number;
  replayed: boolean;
  body: GraphQLResult<{ createTicket: { id: string; subject: string } }>;
}

async function send(server: TestServer, token: string, key: string | null, subject: string, query = CREATE): Promise<Sent> {
  const res = await server.http<Sent["body"]>("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...(key !== null ? { "idempotency-key": key } : {}) },
    body: JSON.stringify({ query, variables: { i: { subject, description: "Sent with an Idempotency-Key." } } }),
  });
  return { status: res.status, replayed: res.headers["idempotent-replayed"] === "true", body: res.body };
}

const created = (sent: Sent) => {
  expect(sent.body.errors, JSON.stringify(sent.body.errors)).toBeUndefined();
  return sent.body.data!.createTicket.id;
};
const codeOf = (sent: Sent) => sent.body.errors?.[0]?.extensions?.code;
const ticketsNamed = async (subject: string) => (await a.gql(COUNT, { q: subject }, customer.token)).data!.tickets.totalCount as number;
const unique = (what: string) => `${what} ${Math.random().toString(36).slice(2, 10)}`;

describe("Idempotency-Key", () => {
  it("answers a retry with the first response and creates the ticket once", async () => {
    const subject = unique("Retried creation");
    const first = await send(a, customer.token, '"retry-1-key"', subject);
    const retry = await send(a, customer.token, '"retry-1-key"', subject);
    expect(first.replayed).toBe(false);
    expect(retry.replayed).toBe(true);
    expect(created(retry)).toBe(created(first));
    expect(await ticketsNamed(subject)).toBe(1);
  });

  it("refuses the same key with another request (422) and keeps keys per caller", async () => {
    const subject = unique("Mismatched");
    created(await send(a, customer.token, "mismatch-key", subject));
    const changed = await send(a, customer.token, "mismatch-key", `${subject} (edited)`);
    expect(changed.status).toBe(422);
    expect(codeOf(changed)).toBe("IDEMPOTENCY_KEY_MISMATCH");
    expect(await ticketsNamed(`${subject} (edited)`)).toBe(0);
    // Another caller's key of the same name is theirs: a new ticket.
    const theirs = await send(a, other.token, "mismatch-key", subject);
    expect(theirs.replayed).toBe(false);
    created(theirs);
  });

  it("lets concurrent duplicates write once: the others get the first response or 409", async () => {
    const subject = unique("Concurrent");
    const sent = await Promise.all(Array.from({ length: 6 }, (_, i) => send(i % 2 ? b : a, customer.token, '"concurrent-key"', subject)));
    const ok = sent.filter((s) => !s.body.errors);
    for (const refused of sent.filter((s) => s.body.errors)) {
      expect(refused.status).toBe(409);
      expect(codeOf(refused)).toBe("IDEMPOTENCY_KEY_IN_USE");
    }
    expect(ok.length).toBeGreaterThan(0);
    expect(new Set(ok.map(created)).size).toBe(1);
    expect(await ticketsNamed(subject)).toBe(1);
    // Once the first has answered, every retry gets its response.
    const later = await send(b, customer.token, '"concurrent-key"', subject);
    expect(later.replayed).toBe(true);
    expect(created(later)).toBe(created(ok[0]!));
  });

  it("holds across replicas", async () => {
    const subject = unique("Across replicas");
    const first = created(await send(a, customer.token, "replica-key", subject));
    const onOther = await send(b, customer.token, "replica-key", subject);
    expect(onOther.replayed).toBe(true);
    expect(created(onOther)).toBe(first);
    expect(await ticketsNamed(subject)).toBe(1);
  });

  it("does not store a failure: the same key runs again once the request is fixed", async () => {
    const failed = await send(a, customer.token, "failed-key", "");
    expect(codeOf(failed)).toBe("BAD_USER_INPUT");
    const again = await send(a, customer.token, "failed-key", "");
    expect(again.replayed).toBe(false);
    expect(codeOf(again)).toBe("BAD_USER_INPUT");
    const fixed = unique("Fixed");
    created(await send(a, customer.token, "failed-key", fixed));
    expect(await ticketsNamed(fixed)).toBe(1);
  });

  it("refuses the header where it does not apply, and a malformed key", async () => {
    const onQuery = await send(a, customer.token, "query-key", "x", `query { me { id } }`);
    expect(onQuery.status).toBe(400);
    expect(codeOf(onQuery)).toBe("BAD_REQUEST");
    const otherMutation = await a.http<GraphQLResult>("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${customer.token}`, "idempotency-key": "logout-key" },
      body: JSON.stringify({ query: `mutation { logout }` }),
    });
    expect(otherMutation.status).toBe(400);
    expect(otherMutation.body.errors?.[0]?.message).toContain("does not accept an Idempotency-Key");
    const tooLong = await send(a, customer.token, "k".repeat(256), unique("Long key"));
    expect(codeOf(tooLong)).toBe("BAD_USER_INPUT");
  });

  it("forgets a key after 24 hours: the same key then starts a new request", async () => {
    const subject = unique("Expiring");
    created(await send(a, customer.token, "expiring-key", subject));
    useClock(a).advance(25 * HOUR);
    if (b !== a) useClock(b).advance(25 * HOUR);
    const next = await send(b, customer.token, "expiring-key", `${subject} (next day)`);
    expect(next.replayed).toBe(false);
    created(next);
    expect(await ticketsNamed(`${subject} (next day)`)).toBe(1);
  });
});
