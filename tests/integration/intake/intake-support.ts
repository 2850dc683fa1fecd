import { randomUUID } from "node:crypto";
import type { TestServer } from "../../support/server.js";

/** An RFC 5322 message as a mail client would send it (CRLF line ends). */
export function message(m: { from: string; subject: string; body?: string; id?: string | null; headers?: Record<string, string>; raw?: string }): { raw: string; id: string } {
  const id = m.id === undefined ? `<${randomUUID()}@client.example>` : m.id;
  const headers = {
    From: m.from,
    To: "support@deskql.test",
    Subject: m.subject,
    Date: new Date().toUTCString(),
    ...(id ? { "Message-ID": id } : {}),
    "MIME-Version": "1.0",
    ...(m.raw ? {} : { "Content-Type": "text/plain; charset=utf-8" }),
    ...m.headers,
  };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\r\n");
  return { raw: `${head}\r\n${m.raw ?? `\r\n${(m.body ?? "").replace(/\r?\n/g, "\r\n")}\r\n`}`, id: (id ?? "").replace(/^<|>$/g, "").toLowerCase() };
}

export interface Inbound {
  id: string;
  messageKey: string;
  status: string;
  reason: string | null;
  ticketId: string | null;
  commentId: string | null;
  attempts: number;
  sender: string | null;
}

const INBOUND = `query($s: InboundMailStatus) { inboundMailFailures(first: 100, filter: { status: $s }) { nodes { id messageKey status reason ticketId commentId attempts sender } } }`;

/** The inbound_mails rows in `status`, through the admin query. */
export async function inbound(t: TestServer, status: string): Promise<Inbound[]> {
  const res = await t.gql(INBOUND, { s: status }, await t.adminToken());
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.inboundMailFailures.nodes;
}

/** Waits until the message `key` was handled (in any state) by `t`'s database, and returns its row. */
export async function handled(t: TestServer, key: string, withinMs = 30_000): Promise<Inbound> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    for (const status of ["PROCESSED", "FAILED", "IGNORED", "REJECTED", "HELD"]) {
      const row = (await inbound(t, status)).find((r) => r.messageKey === key);
      if (row) return row;
    }
    if (Date.now() > deadline) throw new Error(`the message ${key} was not handled within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const TICKET = `query($id: ID!) { ticket(id: $id) { id number subject description status source requester { id email } attachments { fileName size contentType }
  comments(first: 50) { nodes { id body source attachments { fileName size } } } } }`;
