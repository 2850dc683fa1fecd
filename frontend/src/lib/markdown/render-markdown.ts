import DOMPurify from "dompurify";
import { Marked } from "marked";

// Our own instance: global `marked.use()` calls elsewhere cannot change how tickets render.
const marked = new Marked({ gfm: true, breaks: true, async: false });

// What comments and descriptions may contain after rendering. No images (tracking pixels,
// mixed content), no forms, no styles, no embedded content; links only to safe schemes.
const ALLOWED_TAGS = [
  "a", "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
  "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
  "table", "thead", "tbody", "tr", "th", "td",
];
const ALLOWED_ATTR = ["href", "title", "start", "align"];
const SAFE_URL = /^(?:https?:|mailto:|#|\/(?!\/))/i;

let hooked = false;

function installHooks(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName !== "A") return;
    const href = node.getAttribute("href") ?? "";
    if (!SAFE_URL.test(href.trim())) {
      node.removeAttribute("href");
      return;
    }
    if (/^https?:/i.test(href.trim())) {
      node.setAttribute("target", "_blank");
      // No window.opener for the target and no referrer leaking ticket URLs.
      node.setAttribute("rel", "noopener noreferrer nofollow");
    }
  });
}

/**
 * Renders user-written Markdown to HTML that is safe to insert with {@html}: raw HTML in the
 * source is sanitised away with everything else not on the allow-list, so a stored <script>,
 * an event handler or a javascript: link never runs.
 */
export function renderMarkdown(source: string): string {
  installHooks();
  const html = marked.parse(source ?? "") as string;
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
  });
}
