import { BadUserInputError } from "../../core/errors.js";
import { PROJECT_DESCRIPTION_MAX, PROJECT_NAME_MAX } from "./project.entity.js";
import { assertOneLineText, textLength } from "../../core/text.js";

/** Capitals only, so keys read the same everywhere they appear (issue keys, URLs, chat). */
export const PROJECT_KEY_PATTERN = /^[A-Z]{2,10}$/;

export function validProjectKey(key: string, field: string): string {
  if (!PROJECT_KEY_PATTERN.test(key)) {
    throw new BadUserInputError("A project key is 2-10 capital letters A-Z, e.g. OPS.", field);
  }
  return key;
}

export function validProjectName(name: string, field: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new BadUserInputError("A project needs a name.", field);
  if (textLength(trimmed) > PROJECT_NAME_MAX) throw new BadUserInputError(`A project name is at most ${PROJECT_NAME_MAX} characters.`, field);
  assertOneLineText(trimmed, "project name", field);
  return trimmed;
}

/** Empty descriptions are stored as null, so "has a description" has one meaning. */
export function validProjectDescription(description: string | null | undefined, field: string): string | null {
  if (description == null || !description.trim()) return null;
  if (textLength(description) > PROJECT_DESCRIPTION_MAX) {
    throw new BadUserInputError(`A project description is at most ${PROJECT_DESCRIPTION_MAX} characters.`, field);
  }
  return description;
}
