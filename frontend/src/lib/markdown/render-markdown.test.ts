import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./render-markdown.ts";

function dom(html: string): HTMLElement {
  const div = document.createElement("div");
  div.innerHTML = html;
  return div;
}

describe("renderMarkdown", () => {
  it("renders ordinary Markdown", () => {
    const html = renderMarkdown("**Printer** is _down_:\n\n- floor 2\n- floor 3\n\n`lpstat -p`");
    const el = dom(html);
    expect(el.querySelector("strong")?.textContent).toBe("Printer");
    expect(el.querySelector("em")?.textContent).toBe("down");
    expect(el.querySelectorAll("li")).toHaveLength(2);
    expect(el.querySelector("code")?.textContent).toBe("lpstat -p");
  });

  it("drops a stored <script> entirely", () => {
    const html = renderMarkdown('Hello <script>window.pwned = true</script> world');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain("window.pwned");
  });

  it("removes javascript: links but keeps their text", () => {
    const el = dom(renderMarkdown("[click me](javascript:alert(1)) and <a href=\"JaVaScRiPt:alert(2)\">me too</a>"));
    for (const a of el.querySelectorAll("a")) expect(a.getAttribute("href") ?? "").not.toMatch(/javascript/i);
    expect(el.textContent).toContain("click me");
  });

  it("removes event handlers, iframes, styles, forms and images", () => {
    const html = renderMarkdown(
      '<img src=x onerror="alert(1)"> <div onclick="alert(2)">x</div> <iframe src="https://evil.test"></iframe>' +
        '<style>body{display:none}</style><form action="https://evil.test"><input name="p"></form> ![a](https://t.test/p.png)',
    );
    expect(html).not.toMatch(/onerror|onclick|<iframe|<style|<form|<input|<img/i);
  });

  it("removes data: and vbscript: URLs", () => {
    const el = dom(renderMarkdown("[a](data:text/html;base64,PHNjcmlwdD4=) [b](vbscript:msgbox)"));
    for (const a of el.querySelectorAll("a")) expect(a.hasAttribute("href")).toBe(false);
  });

  it("opens web links in a new tab without giving it access to this page", () => {
    const a = dom(renderMarkdown("See https://status.example.com for updates")).querySelector("a");
    expect(a?.getAttribute("href")).toBe("https://status.example.com");
    expect(a?.getAttribute("target")).toBe("_blank");
    expect(a?.getAttribute("rel")).toBe("noopener noreferrer nofollow");
  });

  it("keeps mailto links", () => {
    const a = dom(renderMarkdown("[mail us](mailto:help@example.com)")).querySelector("a");
    expect(a?.getAttribute("href")).toBe("mailto:help@example.com");
  });

  it("renders an empty body as nothing", () => {
    expect(renderMarkdown("")).toBe("");
  });

  it("keeps images of our own attachments only, without a source the browser would fetch by itself", () => {
    const id = "0190f0f0-0000-7000-8000-0000000000ab";
    const html = renderMarkdown(`![screen](attachment:${id}) ![same](/attachments/${id}) ![pixel](https://tracker.test/p.gif) ![local](/avatar.png)`);
    expect(html.match(/<img/g)).toHaveLength(2);
    expect(html.match(new RegExp(`data-attachment-id="${id}"`, "g"))).toHaveLength(2);
    expect(html).not.toMatch(/src=|tracker|avatar/);
  });
});
