import { createRequire } from "node:module";
import type TurndownService from "turndown";

// Required with the first HTML-only message, not at startup: turndown brings a whole DOM (domino).
const require = createRequire(import.meta.url);

/**
 * The text a reply adds: everything above our "reply above this line" marker, or above the first
 * quote header ("On ... wrote:", Outlook's "-----Original Message-----" or "From: ... Sent:"),
 * without the quoted ("> ") lines and the signature ("-- " and what follows it).
 */
export function stripReply(text: string, marker: string): string {
  let lines = text.replace(/\r\n?/g, "\n").split("\n");
  const markerAt = lines.findIndex((line) => line.includes(marker) || line.includes(marker.replace(/^#+-\s*|\s*-#+$/g, "")));
  if (markerAt >= 0) lines = lines.slice(0, markerAt);
  const cut = lines.findIndex((line, i) => isQuoteHeader(line, lines[i + 1]));
  if (cut >= 0) lines = lines.slice(0, cut);
  // Mail clients put the signature after "-- " (RFC 3676); some drop the trailing space.
  const signature = lines.findIndex((line) => line === "-- " || line === "--");
  if (signature >= 0) lines = lines.slice(0, signature);
  const kept = lines.filter((line) => !/^\s*>/.test(line));
  return kept.join("\n").replace(/\n{3,}/g, "\n\n").trim();
}

function isQuoteHeader(line: string, next: string | undefined): boolean {
  const l = line.trim();
  if (/^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine)\s*-{2,}$/i.test(l)) return true;
  if (/^_{10,}$/.test(l) && next !== undefined && /^(From|Von|De):/i.test(next.trim())) return true;
  if (/^(From|Von|De):\s.+/i.test(l) && next !== undefined && /^(Sent|Gesendet|Envoyé|Date|To):/i.test(next.trim())) return true;
  // "On Mon, 1 Jan 2026 at 10:00, Jo <jo@example.com> wrote:", possibly wrapped over two lines.
  if (/^(On|Am|Le)\s.{4,200}(wrote|schrieb|a écrit)\s*:$/i.test(l)) return true;
  if (/^(On|Am|Le)\s.{4,200}$/i.test(l) && next !== undefined && /(wrote|schrieb|a écrit)\s*:$/i.test(next.trim()) && next.trim().length < 120) return true;
  return false;
}

/** Elements dropped with their content: nothing of them is text the sender wrote. */
const DROPPED = ["script", "style", "head", "title", "iframe", "object", "embed", "form", "noscript", "template", "svg", "math", "meta", "link"] as const;

/**
 * HTML (of a mail without a plain-text part) as Markdown. Active content is dropped here, and the
 * Markdown is rendered by the client's sanitising renderer like any comment, so nothing of the
 * sender's HTML reaches a page as HTML. Quoted history (blockquotes, Gmail's and Outlook's
 * quote containers) goes before the conversion.
 */
export function htmlToMarkdown(html: string): string {
  const Turndown = require("turndown") as typeof TurndownService;
  const turndown = new Turndown({ headingStyle: "atx", codeBlockStyle: "fenced", bulletListMarker: "-" });
  turndown.remove([...DROPPED]);
  // Quoted history in HTML replies.
  turndown.addRule("quoted-history", {
    filter: (node) =>
      node.nodeName === "BLOCKQUOTE" ||
      (node.nodeName === "DIV" && /\b(gmail_quote|gmail_signature|moz-cite-prefix|yahoo_quoted)\b/.test(node.getAttribute("class") ?? "")) ||
      (node.nodeName === "DIV" && node.getAttribute("id") === "appendonsend"),
    replacement: () => "",
  });
  // Links only to the web and mail; images become their alt text (inline images arrive as attachments).
  turndown.addRule("safe-links", {
    filter: "a",
    replacement: (content, node) => {
      const href = (node as TurndownService.Node).getAttribute("href") ?? "";
      return /^(https?:|mailto:)/i.test(href) ? `[${content}](${href.replace(/[()\s]/g, encodeURIComponent)})` : content;
    },
  });
  turndown.addRule("images", { filter: "img", replacement: (_content, node) => ((node as TurndownService.Node).getAttribute("alt") ?? "").trim() });
  return turndown.turndown(html).replace(/\n{3,}/g, "\n\n").trim();
}
