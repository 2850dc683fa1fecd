import { ApiError } from "../../lib/api/api-error.ts";

const TOKEN_PROBLEMS = new Set(["INVALID", "USED", "REPLACED", "EXPIRED"]);

/**
 * Whether an emailed link's token itself was refused (mistyped, used, replaced by a newer one or
 * expired), so the page can offer a new link; the server's message already says which.
 */
export function isLinkProblem(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  return error.errors.some((e) => TOKEN_PROBLEMS.has(String(e.extensions?.reason)));
}
