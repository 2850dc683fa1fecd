import type { EntityManager } from "@mikro-orm/core";
import MiniSearch from "minisearch";
import { type Priority } from "../../core/priority.js";
import { selectRows } from "../../db/select-rows.js";
import { NaiveBayes, words } from "./triage.model.js";

/** A resolved ticket as the built-in model knows it. */
export interface KnownTicket {
  id: string;
  number: number;
  subject: string;
  status: string;
  requesterId: string;
  category: string | null;
  priority: Priority;
  /** The desk's last public answer before the resolution: what solved it. */
  resolution: string | null;
}

/** A similar earlier ticket and how close it is (the search score, higher is closer). */
export interface Match {
  ticket: KnownTicket;
  score: number;
}

/** The most recent resolved tickets the model learns from: enough for a desk's vocabulary, bounded in memory. */
export const TRAINING_MAX = 20_000;

/**
 * What the built-in provider knows, learned from the desk's resolved and closed tickets: a BM25
 * search index over their subjects and descriptions (MiniSearch) for similar tickets and
 * duplicates, and naive Bayes classifiers for category and priority. Built from two queries;
 * each replica keeps its own copy, rebuilt by the triage.train job or when older than its max age.
 */
export class TriageIndex {
  readonly builtAt: Date;
  readonly size: number;
  private readonly search: MiniSearch<{ id: string; subject: string; description: string }>;
  private readonly byId = new Map<string, KnownTicket>();
  readonly categories = new NaiveBayes<string>();
  readonly priorities = new NaiveBayes<Priority>();
  /** Document frequency of each word, for picking a text's distinctive words (tags). */
  private readonly documentFrequency = new Map<string, number>();

  private constructor(tickets: (KnownTicket & { description: string })[], builtAt: Date) {
    this.builtAt = builtAt;
    this.size = tickets.length;
    this.search = new MiniSearch({ fields: ["subject", "description"], tokenize: (text) => words(text), processTerm: (term) => term, searchOptions: { boost: { subject: 2 }, prefix: true } });
    this.search.addAll(tickets.map((t) => ({ id: t.id, subject: t.subject, description: t.description })));
    for (const ticket of tickets) {
      const { description, ...known } = ticket;
      this.byId.set(ticket.id, known);
      const tokens = words(`${ticket.subject} ${ticket.subject} ${description}`);
      if (ticket.category) this.categories.learn(tokens, ticket.category);
      this.priorities.learn(tokens, ticket.priority);
      for (const word of new Set(tokens)) this.documentFrequency.set(word, (this.documentFrequency.get(word) ?? 0) + 1);
    }
  }

  /** Learns from the desk's resolved and closed tickets (the newest TRAINING_MAX), in two statements. */
  static async build(em: EntityManager, now: Date): Promise<TriageIndex> {
    const tickets = await selectRows<{ id: string; number: number; subject: string; description: string; status: string; requester_id: string; category: string | null; priority: Priority }>(
      em,
      "select t.`id`, t.`number`, t.`subject`, t.`description`, t.`status`, t.`requester_id`, t.`category`, t.`priority` from `tickets` t" +
        " where t.`status` in ('RESOLVED', 'CLOSED') order by t.`created_at` desc limit ?",
      [TRAINING_MAX],
    );
    const resolutions = new Map<string, string>();
    if (tickets.length) {
      // The newest public comment by staff on each of them: a window function, on both databases.
      const rows = await selectRows<{ subject_id: string; body: string }>(
        em,
        "select r.`subject_id`, r.`body` from (select c.`subject_id`, c.`body`, row_number() over (partition by c.`subject_id` order by c.`created_at` desc) as n" +
          " from `comments` c join `users` u on u.`id` = c.`author_id` join `tickets` t on t.`id` = c.`subject_id`" +
          " where c.`subject_type` = 'TICKET' and c.`internal` = 0 and c.`deleted_at` is null and u.`role` in ('AGENT', 'ADMIN') and t.`status` in ('RESOLVED', 'CLOSED')) r where r.n = 1",
      );
      for (const row of rows) resolutions.set(row.subject_id, row.body);
    }
    return new TriageIndex(
      tickets.map((t) => ({
        id: t.id,
        number: Number(t.number),
        subject: t.subject,
        description: t.description,
        status: t.status,
        requesterId: t.requester_id,
        category: t.category,
        priority: t.priority,
        resolution: resolutions.get(t.id) ?? null,
      })),
      now,
    );
  }

  /** The closest earlier tickets to a text, best first; `visible` limits them (a customer sees only their own). */
  similar(text: string, limit: number, visible: (ticket: KnownTicket) => boolean = () => true): Match[] {
    if (!this.size || !words(text).length) return [];
    const out: Match[] = [];
    for (const result of this.search.search(text, { combineWith: "OR" })) {
      const ticket = this.byId.get(String(result.id));
      if (!ticket || !visible(ticket)) continue;
      out.push({ ticket, score: result.score });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Up to `limit` words of the text that are rare on the desk yet known to it: its distinctive words, as tags. */
  keywords(text: string, limit = 3): string[] {
    const counts = new Map<string, number>();
    for (const word of words(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
    return [...counts.entries()]
      .filter(([word]) => (this.documentFrequency.get(word) ?? 0) > 0 && /\p{L}/u.test(word))
      .map(([word, tf]) => ({ word, weight: tf * Math.log((this.size + 1) / (this.documentFrequency.get(word)! + 0.5)) }))
      .sort((a, b) => b.weight - a.weight)
      .slice(0, limit)
      .map((x) => x.word);
  }
}
