import { BadUserInputError } from "../../core/errors.js";
import { assertOneLineText, textLength } from "../../core/text.js";
import { TAG_NAME_MAX } from "./tag.entity.js";

/** A tag as shown: NFC, trimmed, inner runs of spaces collapsed. */
export function displayTag(name: string): string {
  return name.normalize("NFC").trim().replace(/\s+/gu, " ");
}

/** What uniqueness and filters compare: the display form in lower case. */
export function normalizeTag(name: string): string {
  return displayTag(name).toLowerCase();
}

/** A tag name as given by a person, checked; the display form. */
export function checkTagName(name: string, field: string): string {
  const shown = displayTag(name);
  if (!shown || textLength(shown) > TAG_NAME_MAX) throw new BadUserInputError(`A tag is 1 to ${TAG_NAME_MAX} characters.`, field);
  assertOneLineText(shown, "tag", field);
  // Commas separate tags wherever people type several at once (the client, CSV exports).
  if (shown.includes(",")) throw new BadUserInputError("A tag cannot contain a comma.", field);
  return shown;
}

/** Several names, checked, one per normalized form (the first spelling wins), at most `max`. */
export function checkTagNames(names: readonly string[], field: string, max = 20): string[] {
  if (names.length > max) throw new BadUserInputError(`At most ${max} tags at once.`, field);
  const seen = new Map<string, string>();
  names.forEach((name, i) => {
    const shown = checkTagName(name, `${field}.${i}`);
    if (!seen.has(shown.toLowerCase())) seen.set(shown.toLowerCase(), shown);
  });
  return [...seen.values()];
}
