import { BadUserInputError } from "../../core/errors.js";
import { ISSUE_DESCRIPTION_MAX, ISSUE_TITLE_MAX } from "./issue.entity.js";
import { assertOneLineText, textLength } from "../../core/text.js";

export function validIssueTitle(title: string, field: string): string {
  const trimmed = title.trim();
  if (!trimmed) throw new BadUserInputError("An issue needs a title.", field);
  if (textLength(trimmed) > ISSUE_TITLE_MAX) throw new BadUserInputError(`An issue title is at most ${ISSUE_TITLE_MAX} characters.`, field);
  assertOneLineText(trimmed, "issue title", field);
  return trimmed;
}

/** Markdown is kept exactly as written (it is rendered and sanitized by the client). */
export function validIssueDescription(description: string | null | undefined, field: string): string {
  const text = description ?? "";
  if (textLength(text) > ISSUE_DESCRIPTION_MAX) throw new BadUserInputError(`An issue description is at most ${ISSUE_DESCRIPTION_MAX} characters.`, field);
  return text;
}

/** Issue keys are `<project key>-<number>`; anything else cannot name an issue. */
export const ISSUE_KEY_PATTERN = /^([A-Z]{2,10})-([1-9][0-9]{0,8})$/;

export const issueKey = (projectKey: string, number: number): string => `${projectKey}-${number}`;
