import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** What the page-side `axe.run` answers, as far as a report needs it. */
interface AxeResults {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

/**
 * The axe-core accessibility violations (WCAG 2.x A and AA, and axe's best practices) on the
 * page as it is now, one line each: "color-contrast (serious): … at .badge". Injected through
 * the DevTools protocol, so the app's Content-Security-Policy does not refuse it.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const injected = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe !== "undefined");
  if (!injected) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } }).axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    }),
  );
  return results.violations.map((v) => `${v.id} (${v.impact ?? "?"}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
