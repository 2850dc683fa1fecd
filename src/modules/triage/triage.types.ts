import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Priority } from "../../graphql/priority.js";

export enum TriageProvider {
  BUILTIN = "BUILTIN",
  LLM = "LLM",
}

registerEnumType(TriageProvider, {
  name: "TriageProvider",
  description: "Who made a triage suggestion.",
  valuesConfig: {
    BUILTIN: { description: "The built-in model, learned from the desk's own resolved tickets; needs no network." },
    LLM: { description: "The configured language model (Ollama or OpenAI-compatible), its answer checked against the allowed values." },
  },
});

@ObjectType({ description: "An earlier ticket like the one being written: a possible duplicate, or a solution." })
export class SimilarTicket {
  @Field(() => ID, { description: "The ticket's id." })
  id!: string;

  @Field(() => String, { description: "Its reference, e.g. #1042." })
  reference!: string;

  @Field(() => Int, { description: "Its number." })
  number!: number;

  @Field(() => String, { description: "Its subject." })
  subject!: string;

  @Field(() => String, { description: "Its status (RESOLVED or CLOSED)." })
  status!: string;

  @Field(() => String, { nullable: true, description: "The desk's last public answer on it: what solved it." })
  resolution!: string | null;

  @Field(() => Float, { description: "How close it is (search score, higher is closer; comparable within one answer only)." })
  score!: number;
}

@ObjectType({ description: "Suggestions for a ticket: nothing is applied until a person or a rule chooses it." })
export class TriageSuggestion {
  @Field(() => String, { nullable: true, description: "The suggested category, among those the desk uses; null when the desk has none yet." })
  category!: string | null;

  @Field(() => Float, { nullable: true, description: "The built-in model's probability for the category (0-1); null when the language model chose it." })
  categoryConfidence!: number | null;

  @Field(() => Priority, { nullable: true, description: "The suggested priority." })
  priority!: Priority | null;

  @Field(() => Float, { nullable: true, description: "The built-in model's probability for the priority (0-1); null when the language model chose it." })
  priorityConfidence!: number | null;

  @Field(() => [String], { description: "Suggested tags: the text's distinctive words." })
  tags!: string[];

  @Field(() => String, { description: "What the ticket is about, in one line." })
  summary!: string;

  @Field(() => [SimilarTicket], { description: "Similar resolved tickets, closest first (customers: only their own)." })
  similar!: SimilarTicket[];

  @Field(() => String, { nullable: true, description: "Agents and admins: a reply to start from (the solution of the closest ticket, or the language model's draft); null for customers." })
  suggestedReply!: string | null;

  @Field(() => TriageProvider, { description: "Who made these suggestions." })
  provider!: TriageProvider;

  @Field(() => String, { nullable: true, description: "Why the language model was not used, when it is configured but failed (timeout, malformed answer)." })
  warning!: string | null;
}
