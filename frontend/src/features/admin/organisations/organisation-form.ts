/** The organisation form's values as typed, and what the API takes. */
export interface OrganisationValues {
  name: string;
  domains: string;
  notes: string;
}

/** "acme.com, @acme.eu\nacme.org" → ["acme.com", "@acme.eu", "acme.org"]: the server cleans and checks each. */
export function domainList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((d) => d.trim())
    .filter(Boolean);
}

/** Which form field an error's `field` ("input.emailDomains.1") belongs to. */
export function formFieldOf(field: string | undefined): keyof OrganisationValues | null {
  if (!field) return null;
  if (field.startsWith("input.name")) return "name";
  if (field.startsWith("input.emailDomains")) return "domains";
  if (field.startsWith("input.notes")) return "notes";
  return null;
}
