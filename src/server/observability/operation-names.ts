/** What an operation is called in metrics when its document did not resolve (parse or validation failed). */
export const INVALID_OPERATION = "invalid";
/** An operation without a name. */
export const ANONYMOUS_OPERATION = "anonymous";
/** Names past the cap. */
export const OTHER_OPERATION = "other";

/**
 * Operation names as metric labels, bounded: only names of documents that parsed and validated
 * against the schema count, and only the first `max` distinct ones (METRICS_MAX_OPERATION_NAMES):
 * the client's and integrators' usual operations fit; a caller inventing names cannot grow the
 * label set (and every series Prometheus keeps) without limit, its names collapse into "other".
 */
export class OperationNames {
  private readonly known = new Set<string>();

  constructor(private readonly max: number) {}

  label(name: string | null | undefined): string {
    if (!name) return ANONYMOUS_OPERATION;
    if (this.known.has(name)) return name;
    if (this.known.size >= this.max || name.length > 100) return OTHER_OPERATION;
    this.known.add(name);
    return name;
  }
}
