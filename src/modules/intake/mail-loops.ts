import type { ParsedMail } from "mailparser";

/**
 * Why a message must not open a ticket or become a comment, or null: an auto-reply, a bounce, a
 * mailing list or bulk mail, or one of our own emails (a loop). Checked before anything is written.
 */
export function loopReason(mail: ParsedMail, ourHost: string): string | null {
  const header = (name: string) => {
    const value = mail.headers.get(name);
    if (value === undefined || value === null) return null;
    // Address headers parse to { value: [addresses], text }, structured ones to { value, params }.
    const text = typeof value === "string" ? value : typeof value === "object" && "text" in value ? String(value.text) : typeof value === "object" && "value" in value ? String(value.value) : String(value);
    return text.trim().toLowerCase();
  };
  const autoSubmitted = header("auto-submitted");
  if (autoSubmitted && autoSubmitted !== "no") return `an automatic message (Auto-Submitted: ${autoSubmitted})`;
  const precedence = header("precedence");
  if (precedence && /^(bulk|junk|list|auto_reply)$/.test(precedence)) return `bulk or list mail (Precedence: ${precedence})`;
  if (header("x-autoreply") !== null || header("x-autorespond") !== null || header("x-autoresponse") !== null) return "an auto-reply (X-Autoreply)";
  if (header("x-auto-response-suppress")?.includes("all")) return "an auto-reply (X-Auto-Response-Suppress: All)";
  if (header("list-id") !== null || header("list-unsubscribe") !== null) return "mailing list mail (List-Id)";
  const returnPath = header("return-path");
  if (returnPath !== null && /^<?\s*>?$/.test(returnPath)) return "a bounce (empty Return-Path)";
  const from = mail.from?.value[0]?.address?.toLowerCase() ?? "";
  if (/^(mailer-daemon|postmaster|mail-daemon|no-?reply|do-?not-?reply)@/.test(from)) return `a bounce or automatic sender (${from})`;
  const contentType = header("content-type") ?? "";
  if (contentType.includes("multipart/report")) return "a delivery report (multipart/report)";
  if (mail.messageId && isOurMessageId(mail.messageId, ourHost)) return "one of our own emails";
  return null;
}

/** Our Message-IDs: `<ticket-...@host>` of ticket emails, `<uuid@host>` of the others (mail.transport.ts). */
export function isOurMessageId(messageId: string, ourHost: string): boolean {
  const [local, host] = messageId.replace(/^<|>$/g, "").toLowerCase().split("@");
  return host === ourHost.toLowerCase() && (/^ticket-[0-9a-f-]{36}(\.[0-9a-f-]{36})?$/.test(local ?? "") || /^[0-9a-f-]{36}$/.test(local ?? ""));
}
