import { BadUserInputError } from "../../core/errors.js";
import { CATEGORY_MAX, DESCRIPTION_MAX, SUBJECT_MAX } from "./ticket.entity.js";
import { assertOneLineText, textLength } from "../../core/text.js";

/**
 * Field checks for ticket inputs, each failure naming its field. Subject and category are
 * trimmed and one line of visible text (they are labels); the description is Markdown and is stored exactly as written.
 */
export function cleanSubject(value: string, field: string): string {
  const subject = value.trim();
  if (!subject) throw new BadUserInputError("The subject must not be empty.", field);
  if (textLength(subject) > SUBJECT_MAX) throw new BadUserInputError(`The subject must be at most ${SUBJECT_MAX} characters.`, field);
  assertOneLineText(subject, "subject", field);
  return subject;
}

export function checkDescription(value: string, field: string): string {
  if (!value.trim()) throw new BadUserInputError("The description must not be empty.", field);
  if (textLength(value) > DESCRIPTION_MAX) throw new BadUserInputError(`The description must be at most ${DESCRIPTION_MAX} characters (it has ${textLength(value)}).`, field);
  return value;
}

/** Why a ticket moved, as its mover wrote it (one line, kept in the timeline); empty means none. */
export const REASON_MAX = 500;
export function cleanReason(value: string | null | undefined, field: string): string | undefined {
  const reason = value?.trim() ?? "";
  if (textLength(reason) > REASON_MAX) throw new BadUserInputError(`The reason must be at most ${REASON_MAX} characters.`, field);
  if (reason) assertOneLineText(reason, "reason", field);
  return reason || undefined;
}

/** Empty means "no category". */
export function cleanCategory(value: string | null | undefined, field: string): string | null {
  const category = value?.trim() ?? "";
  if (textLength(category) > CATEGORY_MAX) throw new BadUserInputError(`The category must be at most ${CATEGORY_MAX} characters.`, field);
  if (category) assertOneLineText(category, "category", field);
  return category || null;
}
