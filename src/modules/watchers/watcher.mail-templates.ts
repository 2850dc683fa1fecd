import { button, html, layout, type MailContent } from "../mail/mail.html.js";
import { excerpt, oneLine, REPLY_MARKER } from "../mail/ticket-mail.templates.js";

interface Facts {
  number: number;
  subject: string;
  link: string;
  /** Null for CC'd addresses without an account. */
  recipientName: string | null;
}

const marker = html`<p style="color:#888;font-size:12px">${REPLY_MARKER}</p>`;
const quote = (text: string) =>
  html`<blockquote style="margin:16px 0;padding:8px 12px;border-left:3px solid #ccc;color:#333;white-space:pre-wrap">${text}</blockquote>`;
const hello = (name: string | null) => (name ? `Hello ${name},` : "Hello,");

function commentMail(t: Facts, subject: string, intro: string, body: string, footer: string, replyable: boolean): MailContent {
  const quoted = excerpt(body);
  const lines = [hello(t.recipientName), "", intro, "", quoted, "", `View the ticket: ${t.link}`, "", footer];
  return {
    subject,
    text: (replyable ? [REPLY_MARKER, "", ...lines] : lines).join("\n"),
    html: layout(subject, html`${replyable ? marker : ""}<p>${hello(t.recipientName)}</p><p>${intro}</p>${quote(quoted)}${button(t.link, "View the ticket")}<p style="color:#888;font-size:12px">${footer}</p>`),
  };
}

/** An @mention in a comment, to the agent mentioned. */
export function mentionMail(t: Facts & { authorName: string; body: string; internal: boolean }): MailContent {
  const where = t.internal ? "an internal note" : "a reply";
  return commentMail(t, `[#${t.number}] ${oneLine(t.authorName)} mentioned you: ${oneLine(t.subject)}`, `${t.authorName} mentioned you in ${where} on ticket #${t.number}:`, t.body, "You now watch this ticket.", false);
}

/** A comment on a watched ticket, to a watcher. */
export function watchedCommentMail(t: Facts & { authorName: string; body: string; internal: boolean }): MailContent {
  const what = t.internal ? "added an internal note" : "replied";
  return commentMail(t, `[#${t.number}] Re: ${oneLine(t.subject)}`, `${t.authorName} ${what} on ticket #${t.number}, which you watch:`, t.body, "You receive this because you watch this ticket.", !t.internal);
}

/** A public reply, to an address copied on the ticket. */
export function ccReplyMail(t: Facts & { authorName: string; body: string }): MailContent {
  return commentMail(t, `[#${t.number}] Re: ${oneLine(t.subject)}`, `${t.authorName} replied on ticket #${t.number}:`, t.body, "You receive this because you were copied (CC) on this ticket.", true);
}

/** A status change of a watched ticket, to a watcher. */
export function watchedStatusMail(t: Facts & { from: string; to: string }): MailContent {
  const subject = `[#${t.number}] ${label(t.to)}: ${oneLine(t.subject)}`;
  const line = `Ticket #${t.number} "${oneLine(t.subject)}", which you watch, moved from ${label(t.from)} to ${label(t.to)}.`;
  return {
    subject,
    text: [hello(t.recipientName), "", line, "", t.link].join("\n"),
    html: layout(subject, html`<p>${hello(t.recipientName)}</p><p>${line}</p>${button(t.link, "View the ticket")}`),
  };
}

const label = (status: string) => status.charAt(0) + status.slice(1).toLowerCase().replace(/_/g, " ");
