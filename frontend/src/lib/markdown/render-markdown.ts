import DOMPurify from "dompurify";
import { Marked } from "marked";
import { ATTACHMENT_REF } from "../attachments/attachment-files.ts";

// Our own instance: global `marked.use()` calls elsewhere cannot change how tickets render.
const marked = new Marked({ gfm: true, breaks: true, async: false });

// What comments and descriptions may contain after rendering. Images only of our own
// attachments (no tracking pixels, no mixed content), no forms, no styles, no embedded content;
// links only to safe schemes.
const ALLOWED_TAGS = [
  "a", "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
  "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
  "table", "thead", "tbody", "tr", "th", "td", "img",
];
const ALLOWED_ATTR = ["href", "title", "start", "align", "src", "alt"];
const SAFE_URL = /^(?:https?:|mailto:|#|\/(?!\/))/i;

let hooked = false;
const attachmentIds = new WeakMap<Element, string>();

function installHooks(): void {
  if (hooked) return;
  hooked = true;
  // An image stays only when it is one of our attachments (`attachment:<id>` or its download
  // path); any other is removed whole. Markdown.svelte then fetches it with the viewer's token.
  // The id is read before DOMPurify's URL check drops the `attachment:` source it does not know.
  DOMPurify.addHook("uponSanitizeElement", (node, data) => {
    if (data.tagName !== "img") return;
    const id = ATTACHMENT_REF.exec(((node as Element).getAttribute("src") ?? "").trim())?.[1];
    if (id) attachmentIds.set(node as Element, id.toLowerCase());
    else node.parentNode?.removeChild(node);
  });
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "IMG") {
      node.removeAttribute("src");
      const id = attachmentIds.get(node);
      if (id) node.setAttribute("data-attachment-id", id);
      return;
    }
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
