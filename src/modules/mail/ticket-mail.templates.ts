import { button, html, layout, type MailContent } from "./mail.html.js";

interface TicketFacts {
  number: number;
  subject: string;
  link: string;
  recipientName: string;
}

const EXCERPT_MAX = 1000;

/** Email intake keeps only what a reply has above this line (intake/mail-text.ts looks for it). */
export const REPLY_MARKER = "##- Reply above this line to answer by email -##";

const marker = html`<p style="color:#888;font-size:12px">${REPLY_MARKER}</p>`;

/** The reply as sent: Markdown left as typed (it reads fine as text), cut at a whole word. */
export function excerpt(body: string): string {
  const trimmed = body.trim();
  if (trimmed.length <= EXCERPT_MAX) return trimmed;
  const cut = trimmed.slice(0, EXCERPT_MAX);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), EXCERPT_MAX - 100))}…`;
}

/** One line, bounded: a subject line must not carry line breaks from user input. */
export const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, " ").slice(0, 200);

const quote = (text: string) =>
  html`<blockquote style="margin:16px 0;padding:8px 12px;border-left:3px solid #ccc;color:#333;white-space:pre-wrap">${text}</blockquote>`;

export function replyMail(t: TicketFacts & { authorName: string; body: string; toAssignee: boolean }): MailContent {
  const subject = `[#${t.number}] Re: ${oneLine(t.subject)}`;
  const body = excerpt(t.body);
  const intro = t.toAssignee ? `${t.authorName} replied on ticket #${t.number}, which is assigned to you:` : `${t.authorName} replied on your ticket #${t.number}:`;
  return {
    subject,
    text: [REPLY_MARKER, "", `Hello ${t.recipientName},`, "", intro, "", body, "", `View and answer: ${t.link}`].join("\n"),
    html: layout(subject, html`${marker}<p>Hello ${t.recipientName},</p><p>${intro}</p>${quote(body)}${button(t.link, "View the ticket")}`),
  };
}

export function resolvedMail(t: TicketFacts): MailContent {
  const subject = `[#${t.number}] Resolved: ${oneLine(t.subject)}`;
  const line = `Your ticket #${t.number} "${oneLine(t.subject)}" was marked resolved.`;
  const hint = "If the problem is not solved, reply on the ticket to reopen it.";
  return {
    subject,
    text: [REPLY_MARKER, "", `Hello ${t.recipientName},`, "", line, hint, "", t.link].join("\n"),
    html: layout(subject, html`${marker}<p>Hello ${t.recipientName},</p><p>${line}</p><p>${hint}</p>${button(t.link, "View the ticket")}`),
  };
}
