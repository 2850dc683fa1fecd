/** Response checks shared by the scenarios: each returns null when the response is right, else why not. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isUuid = (v: unknown): boolean => typeof v === "string" && UUID.test(v);

/** Parses a GraphQL response that must have data and no errors; returns the data or a reason. */
export function graphqlData(status: number, body: string): { data: Record<string, any> } | { reason: string } {
  if (status !== 200) return { reason: `HTTP ${status}` };
  let parsed: { data?: Record<string, any> | null; errors?: { extensions?: { code?: string } }[] };
  try {
    parsed = JSON.parse(body);
  } catch {
    return { reason: "body is not JSON" };
  }
  if (parsed.errors?.length) return { reason: `errors: ${parsed.errors[0]?.extensions?.code ?? "no code"}` };
  if (!parsed.data) return { reason: "no data" };
  return { data: parsed.data };
}

/** The first failed condition's label, or null when all hold. */
export function firstFailure(conditions: [boolean, string][]): string | null {
  for (const [ok, label] of conditions) if (!ok) return label;
  return null;
}
