import { html, layout, type MailContent } from "../mail/mail.html.js";

/** Told to a webhook's creator when it is disabled for failing. */
export function webhookDisabledMail(hook: { url: string; description: string }, days: number, publicUrl: string): MailContent {
  const subject = "A webhook was disabled after failing";
  const text = [
    `DeskQL disabled the webhook to ${hook.url}${hook.description ? ` (${hook.description})` : ""}: its deliveries have failed for ${days} days.`,
    "",
    `Check its delivery log in DeskQL (${publicUrl}), fix the endpoint and enable the webhook again: it then delivers the events it missed.`,
  ].join("\n");
  const body = html`<p>DeskQL disabled the webhook to <strong>${hook.url}</strong>${hook.description ? html` (${hook.description})` : ""}: its deliveries have failed for ${days} days.</p>
<p>Check its delivery log in DeskQL, fix the endpoint and enable the webhook again: it then delivers the events it missed.</p>`;
  return { subject, text, html: layout(subject, body) };
}
