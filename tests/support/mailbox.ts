import type { Clock } from "../../src/core/clock.js";
import type { TestServer } from "./server.js";

export interface OutboxMail {
  id: string;
  to: string;
  kind: string;
  subject: string;
  text: string | null;
  html: string | null;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string;
}

const OUTBOX = `query($first: Int, $filter: OutboxFilter) {
  outbox(first: $first, filter: $filter) { nodes { id to kind subject text html status attempts lastError createdAt deliveredAt nextAttemptAt } }
}`;

/** Messages to `to` in the outbox, newest first, read through the admin `outbox` query. */
export async function mailTo(t: TestServer, to: string, kind?: string): Promise<OutboxMail[]> {
  const res = await t.gql(OUTBOX, { first: 50, filter: { to, ...(kind ? { kind } : {}) } }, await t.adminToken());
  if (res.errors) throw new Error(`outbox query failed: ${JSON.stringify(res.errors)}`);
  return res.data!.outbox.nodes;
}

/**
 * Waits for the `count`-th message of `kind` to `to` (some are written in the background after
 * the mutation answered) and returns the newest.
 */
export async function waitForMail(t: TestServer, to: string, kind: string, count = 1, timeoutMs = 5000): Promise<OutboxMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await mailTo(t, to, kind);
    if (mails.length >= count) return mails[0]!;
    if (Date.now() > deadline) throw new Error(`no ${kind} mail #${count} to ${to} within ${timeoutMs} ms (have ${mails.length})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The account token in a mail's link (hd_ve_, hd_pr_, hd_sl_ + 43 base64url characters). */
export function tokenIn(mail: OutboxMail, prefix: string): string {
  const match = new RegExp(`${prefix}[A-Za-z0-9_-]{43}`).exec(mail.text ?? "");
  if (!match) throw new Error(`no ${prefix} token in ${mail.kind} mail: ${mail.text}`);
  return match[0];
}

/** A clock the test moves by hand; install with `useClock(t)`, which returns it. */
export class TestClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  reset(): void {
    this.offsetMs = 0;
  }
}

export function useClock(t: TestServer): TestClock {
  const clock = new TestClock();
  t.server.services.clock = clock;
  return clock;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
