/** A solution's first lines, plain, for a hint under a similar ticket. */
export function solutionExcerpt(markdown: string, max = 160): string {
  const plain = markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[*_`#>[\]!~|]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > max ? `${plain.slice(0, max - 1).trimEnd()}…` : plain;
}

/** Whether the form can take a suggested category: only the ones its list offers. */
export function usableCategory(suggested: string | null | undefined, offered: readonly string[]): string | null {
  if (!suggested) return null;
  return offered.find((c) => c.toLowerCase() === suggested.toLowerCase()) ?? null;
}
