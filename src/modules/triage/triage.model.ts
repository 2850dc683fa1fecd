/**
 * The built-in triage model's pure parts: words, a multinomial naive Bayes classifier (category,
 * priority) and an extractive one-line summary. No network, no weights to download: it learns
 * from the desk's own resolved tickets (triage.index.ts) and is measured by the benchmark against
 * always guessing the most common value.
 */

// Common English words that say nothing about a ticket's kind.
const STOPWORDS = new Set(
  (
    "a about above after again against all am an and any are as at be because been before being below between both but by can " +
    "could did do does doing down during each few for from further had has have having he her here hers him his how i if in into " +
    "is it its itself just me more most my myself no nor not now of off on once only or other our ours out over own same she " +
    "should so some such than that the their them then there these they this those through to too under until up very was we " +
    "were what when where which while who whom why will with would you your yours hi hello thanks thank please since keeps " +
    "coming back problem help"
  ).split(" "),
);

/** Lower-cased words of two or more letters or digits, without stopwords and Markdown. */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []).map((w) => w.replace(/'s$/, "")).filter((w) => w.length >= 2 && !STOPWORDS.has(w));
}

/** A class and how sure the model is of it (the posterior probability, 0..1). */
export interface Prediction<L extends string> {
  label: L;
  probability: number;
}

/**
 * Multinomial naive Bayes with Laplace smoothing: the textbook classifier for short texts, fast
 * to train on a few thousand tickets and to query per keystroke.
 */
export class NaiveBayes<L extends string> {
  private readonly docCount = new Map<L, number>();
  private readonly wordCount = new Map<L, Map<string, number>>();
  private readonly totalWords = new Map<L, number>();
  private readonly vocabulary = new Set<string>();
  private docs = 0;

  learn(tokens: readonly string[], label: L): void {
    this.docs++;
    this.docCount.set(label, (this.docCount.get(label) ?? 0) + 1);
    let counts = this.wordCount.get(label);
    if (!counts) this.wordCount.set(label, (counts = new Map()));
    for (const token of tokens) {
      counts.set(token, (counts.get(token) ?? 0) + 1);
      this.vocabulary.add(token);
    }
    this.totalWords.set(label, (this.totalWords.get(label) ?? 0) + tokens.length);
  }

  /** The labels seen in training, most common first. */
  labels(): L[] {
    return [...this.docCount.entries()].sort((a, b) => b[1] - a[1]).map(([label]) => label);
  }

  /**
   * The most probable label when the model is at least `minProbability` sure of it, else the
   * most common label (with its share): on noisy labels a weak guess is worse than the prior.
   */
  predictOrCommon(tokens: readonly string[], minProbability: number): Prediction<L> | null {
    const guess = this.predict(tokens);
    if (!guess || guess.probability >= minProbability) return guess;
    const common = this.labels()[0]!;
    return { label: common, probability: this.docCount.get(common)! / this.docs };
  }

  /** The most probable label, or null before any training. */
  predict(tokens: readonly string[]): Prediction<L> | null {
    if (!this.docs) return null;
    const v = this.vocabulary.size || 1;
    const scores = this.labels().map((label) => {
      const counts = this.wordCount.get(label)!;
      const total = this.totalWords.get(label)!;
      let score = Math.log(this.docCount.get(label)! / this.docs);
      for (const token of tokens) if (this.vocabulary.has(token)) score += Math.log(((counts.get(token) ?? 0) + 1) / (total + v));
      return { label, score };
    });
    const best = scores.reduce((a, b) => (b.score > a.score ? b : a));
    const sum = scores.reduce((s, x) => s + Math.exp(x.score - best.score), 0);
    return { label: best.label, probability: 1 / sum };
  }
}

const MARKDOWN = /[*_`#>[\]()!~|]/g;

/** One line saying what the ticket is about: the subject, then the first sentence of the description that adds something. */
export function summarize(subject: string, description: string, max = 160): string {
  const plain = description.replace(MARKDOWN, "").replace(/\s+/g, " ").trim();
  const sentence = plain.split(/(?<=[.!?])\s/).find((s) => s.length > 12 && !s.toLowerCase().includes(subject.toLowerCase().slice(0, 20)));
  const line = sentence ? `${subject.trim()}: ${sentence}` : subject.trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}
