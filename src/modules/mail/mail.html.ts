/**
 * HTML for emails, escaped by construction: the `html` tag escapes every interpolated value
 * unless it is itself `html` output, so a display name or ticket title like
 * `<img src=x onerror=...>` arrives as text, never as markup.
 */
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** HTML that is already safe: produced by `html`, so it is not escaped again when nested. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/** A message in both forms: mail clients show the HTML, the text part serves the rest. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** A minimal, inline-styled document: mail clients ignore stylesheets and scripts. */
export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head>
<body style="margin:0;padding:24px;background:#f5f5f5;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1a1a1a">
<div style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px;line-height:1.5">
${body}
</div>
<p style="max-width:560px;margin:12px auto;color:#777;font-size:12px">Sent by DeskQL. You receive this email because of your account on this service desk.</p>
</body>
</html>`.value;
}

/** A call-to-action link; `href` must be one of our own https links. */
export function button(href: string, label: string): SafeHtml {
  return html`<p><a href="${href}" style="display:inline-block;background:#2457c5;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${label}</a></p>
<p style="font-size:13px;color:#555">Or paste this address into your browser:<br><span style="word-break:break-all">${href}</span></p>`;
}
