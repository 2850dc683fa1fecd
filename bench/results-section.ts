import { existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * Sections of RESULTS.md that a script other than `npm run bench` owns (`npm run bench:events`):
 * each sits between `<!-- section:<id> -->` and `<!-- /section:<id> -->`. The owner replaces only
 * its own; the full run's writer (report.ts) keeps all of them, so neither erases the other.
 */
const SECTION = /<!-- section:([a-z0-9-]+) -->\n[\s\S]*?<!-- \/section:\1 -->\n?/g;

const wrap = (id: string, markdown: string) => `<!-- section:${id} -->\n${markdown.trimEnd()}\n<!-- /section:${id} -->\n`;

/** The marked sections of `file`, as written (empty when there is none or no file). */
export function keptSections(file: string): string {
  if (!existsSync(file)) return "";
  return [...readFileSync(file, "utf8").matchAll(SECTION)].map((m) => m[0].endsWith("\n") ? m[0] : `${m[0]}\n`).join("\n");
}

/** Replaces section `id` of `file` with `markdown`, or adds it after the title when it is not there yet. */
export function writeSection(file: string, id: string, markdown: string): void {
  const text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n";
  const section = wrap(id, markdown);
  const existing = new RegExp(`<!-- section:${id} -->\\n[\\s\\S]*?<!-- \\/section:${id} -->\\n?`);
  if (existing.test(text)) {
    writeFileSync(file, text.replace(existing, () => section));
    return;
  }
  const title = /^# .*\n\n?/.exec(text);
  const at = title ? title[0].length : 0;
  writeFileSync(file, `${text.slice(0, at)}${section}\n${text.slice(at)}`);
}
