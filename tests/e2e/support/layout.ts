import type { Page } from "playwright-core";

export interface Overflow {
  /** How many CSS pixels the page is wider than the viewport (0 when it fits). */
  pixels: number;
  /** The first few elements reaching past the right edge, to say what to fix. */
  culprits: string[];
}

// The root tsconfig has no DOM lib (server code must not see browser globals): the few
// page-side shapes read below.
interface PageElement {
  tagName: string;
  id: string;
  classList: ArrayLike<string>;
  textContent: string | null;
  getBoundingClientRect(): { width: number; right: number };
}
interface PageDocument {
  documentElement: { clientWidth: number; scrollWidth: number };
  body: { querySelectorAll(selector: string): ArrayLike<PageElement> };
}

/** Whether the page scrolls sideways, and what sticks out if it does. */
export async function horizontalOverflow(page: Page): Promise<Overflow> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as { document: PageDocument };
    const root = document.documentElement;
    const width = root.clientWidth;
    const pixels = Math.max(0, root.scrollWidth - width);
    const culprits: string[] = [];
    if (pixels > 0) {
      for (const el of Array.from(document.body.querySelectorAll("*"))) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.right <= width + 1) continue;
        const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.classList.length ? `.${Array.from(el.classList).join(".")}` : ""}`;
        culprits.push(`${name} right=${Math.round(box.right)} "${(el.textContent ?? "").trim().slice(0, 40)}"`);
        if (culprits.length === 5) break;
      }
    }
    return { pixels, culprits };
  });
}
