export const SUBJECT_MAX = 200;
export const DESCRIPTION_MAX = 20_000;

export interface NewTicketDraft {
  subject: string;
  description: string;
}

export type NewTicketProblems = Partial<Record<keyof NewTicketDraft, string>>;

export function validateNewTicket(draft: NewTicketDraft): NewTicketProblems {
  const problems: NewTicketProblems = {};
  const subject = draft.subject.trim();
  if (subject.length < 3) problems.subject = "Give the ticket a subject of at least 3 characters.";
  else if (subject.length > SUBJECT_MAX) problems.subject = `Keep the subject under ${SUBJECT_MAX} characters.`;
  const description = draft.description.trim();
  if (!description) problems.description = "Describe the problem: what happened and what you expected.";
  else if (description.length > DESCRIPTION_MAX) problems.description = `Keep the description under ${DESCRIPTION_MAX} characters.`;
  return problems;
}
