import type { TestServer } from "../../support/server.js";

/** Shared by the watcher suites: documents and steps. */
export const WATCH = `mutation($t: ID!, $u: ID) { watchTicket(ticketId: $t, userId: $u) { id viewerIsWatching watchers { id } } }`;
export const UNWATCH = `mutation($t: ID!, $u: ID) { unwatchTicket(ticketId: $t, userId: $u) { id viewerIsWatching watchers { id } } }`;
export const ADD_CC = `mutation($t: ID!, $e: String!) { addTicketCc(ticketId: $t, email: $e) { id ccs { email } } }`;
export const REMOVE_CC = `mutation($t: ID!, $e: String!) { removeTicketCc(ticketId: $t, email: $e) { id ccs { email } } }`;
export const WATCHERS = `query($id: ID!) { ticket(id: $id) { viewerIsWatching watchers { id displayName } ccs { email } } }`;
export const MENTIONABLE = `query($s: String) { mentionableAgents(search: $s) { id displayName } }`;
const OUTBOX = `query($to: String!) { outbox(first: 50, filter: { to: $to }) { nodes { kind subject text messageId } } }`;

export interface SentMail {
  kind: string;
  subject: string;
  text: string | null;
  messageId: string | null;
}

/** Every mail to `to`, newest first, with its Message-ID (the admin outbox). */
export async function mailsTo(t: TestServer, to: string): Promise<SentMail[]> {
  const res = await t.gql(OUTBOX, { to }, await t.adminToken());
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.outbox.nodes as SentMail[];
}

/** The mention token the reply box inserts. */
export const mention = (user: { id: string }, name = "Someone") => `@[${name}](user:${user.id})`;
