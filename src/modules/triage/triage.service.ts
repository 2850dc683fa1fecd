import { BadUserInputError } from "../../core/errors.js";
import { isStaff } from "../../core/identity.js";
import type { Priority } from "../../core/priority.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { textLength } from "../../core/text.js";
import type { Orm } from "../../db/orm.js";
import { DESCRIPTION_MAX, SUBJECT_MAX } from "../tickets/ticket.entity.js";
import { TriageIndex, type KnownTicket } from "./triage.index.js";
import { askLlm, LlmUnavailable, type LlmSettings } from "./triage.llm.js";
import { summarize, words } from "./triage.model.js";

export interface TriageSettings {
  /** Null: the built-in provider only. */
  llm: LlmSettings | null;
  /** The built-in model is rebuilt in the background when older than this. */
  maxAgeMinutes: number;
}

export interface TriageResult {
  category: string | null;
  categoryConfidence: number | null;
  priority: Priority | null;
  priorityConfidence: number | null;
  tags: string[];
  summary: string;
  similar: { ticket: KnownTicket; score: number }[];
  suggestedReply: string | null;
  provider: "BUILTIN" | "LLM";
  warning: string | null;
}

const SIMILAR = 5;
/** Priorities are noisy on any desk: below this certainty the most common one is the better guess (bench/RESULTS.md "triage"). */
const PRIORITY_MIN_PROBABILITY = 0.9;
/** Below this share of the best possible score a match is noise, not a duplicate. */
const REPLY_MIN_SCORE = 5;

/**
 * Suggestions for a ticket being written or read: category, priority, tags, a one-line summary,
 * similar earlier tickets with what solved them, and for staff a reply to start from. Nothing here
 * writes: a person (or a rule) chooses what to apply. The built-in provider (triage.index.ts)
 * always answers the similar tickets and stands in when the language model is off or fails.
 */
export class TriageService {
  private index: TriageIndex | null = null;
  private building: Promise<TriageIndex> | null = null;

  constructor(
    private readonly orm: Orm,
    readonly settings: TriageSettings,
  ) {}

  async suggest(scope: RequestScope, subjectInput: string, descriptionInput: string): Promise<TriageResult> {
    const viewer = requireViewer(scope);
    const subject = subjectInput.trim();
    const description = descriptionInput.trim();
    if (textLength(subject) > SUBJECT_MAX) throw new BadUserInputError(`The subject must be at most ${SUBJECT_MAX} characters.`, "subject");
    if (textLength(description) > DESCRIPTION_MAX) throw new BadUserInputError(`The description must be at most ${DESCRIPTION_MAX} characters.`, "description");
    if (!words(`${subject} ${description}`).length) throw new BadUserInputError("Write a few words about the problem first.", "subject");

    const index = await this.current(scope.clock.now());
    const staff = isStaff(viewer.role);
    const text = `${subject}\n${description}`;
    // Customers see only their own earlier tickets: another customer's request is not theirs to read.
    const similar = index.similar(text, SIMILAR, staff ? undefined : (t) => t.requesterId === viewer.userId);
    const tokens = words(`${subject} ${subject} ${description}`);
    const category = index.categories.predict(tokens);
    const priority = index.priorities.predictOrCommon(tokens, PRIORITY_MIN_PROBABILITY);
    const best = similar[0];
    const builtin: TriageResult = {
      category: category?.label ?? null,
      categoryConfidence: category ? round(category.probability) : null,
      priority: priority?.label ?? null,
      priorityConfidence: priority ? round(priority.probability) : null,
      tags: index.keywords(text),
      summary: summarize(subject || description.slice(0, 80), description),
      similar,
      suggestedReply: staff && best && best.score >= REPLY_MIN_SCORE && best.ticket.resolution ? `(From ${"#" + best.ticket.number}, a similar solved ticket)\n\n${best.ticket.resolution}` : null,
      provider: "BUILTIN",
      warning: null,
    };
    if (!this.settings.llm) return builtin;
    try {
      const llm = await askLlm(this.settings.llm, { subject, description }, index.categories.labels(), staff);
      return {
        ...builtin,
        category: llm.category ?? builtin.category,
        categoryConfidence: llm.category ? null : builtin.categoryConfidence,
        priority: llm.priority ?? builtin.priority,
        priorityConfidence: llm.priority ? null : builtin.priorityConfidence,
        tags: llm.tags.length ? llm.tags : builtin.tags,
        summary: llm.summary ?? builtin.summary,
        suggestedReply: staff ? (llm.reply ?? builtin.suggestedReply) : null,
        provider: "LLM",
      };
    } catch (error) {
      if (!(error instanceof LlmUnavailable)) throw error;
      return { ...builtin, warning: `The language model was not used (${error.message}); these are the built-in suggestions.` };
    }
  }

  /** Rebuilds the built-in model now (the triage.train job); returns how many tickets it learned from. */
  async retrain(now: Date): Promise<number> {
    const index = await TriageIndex.build(this.orm.em.fork(), now);
    this.index = index;
    return index.size;
  }

  /** The model, built on first use and rebuilt in the background once older than the max age. */
  private async current(now: Date): Promise<TriageIndex> {
    const stale = this.index && now.getTime() - this.index.builtAt.getTime() > this.settings.maxAgeMinutes * 60_000;
    if (this.index && !stale) return this.index;
    this.building ??= TriageIndex.build(this.orm.em.fork(), now)
      .then((index) => (this.index = index))
      .finally(() => (this.building = null));
    if (this.index) {
      this.building.catch(() => undefined); // the old model serves until the new one is ready
      return this.index;
    }
    return this.building;
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
