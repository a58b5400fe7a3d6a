import type { Passage } from './corpus/corpus.js';
import type { RelevanceEvidence } from './search/relevance/decision.js';
import type { BarInForce, Outcome } from './search/relevance/judge.js';
import type { Highlight, RankerMode } from './search/retrieval.js';

/** What the core answers, and what it reports of an index it loaded or built: plain data for every adapter. */

export interface AnswerPassage {
  rank: number;
  /** Relevance, 0–1: cosine similarity of the question to the passage's best window. */
  score: number;
  /** Share of the question's informative words the passage contains, 0–1 (0 when not matched lexically). */
  coverage: number;
  passage: Passage;
  /** The sentence(s) that best answer the question, as ranges of `passage.text`. */
  highlights: Highlight[];
  /** Why the passage is quoted: its evidence under the decision rule. */
  evidence: RelevanceEvidence;
}

export interface Answer {
  question: string;
  /**
   * answered: the quoted passages speak to the whole question; partial: they speak to part of it,
   * and the article has the `missing` words nowhere; declined: nothing is quoted.
   */
  outcome: Outcome;
  /** `outcome === 'answered'`. */
  answered: boolean;
  /** The question's words the article lacks, as the question spells them: empty unless partial. */
  missing: string[];
  /** The question's words the article has, as the question spells them, most specific first, at most 3: what a partial answer's caveat names (empty unless partial). */
  covered: string[];
  /** The top-k passages that are relevant enough to quote, best first: empty when declined. */
  results: AnswerPassage[];
  /** The dense bar in force (calibrated for the model, or MIN_SCORE). */
  bar: BarInForce;
  /** The strongest evidence among the ranked passages, answered or not (for logs and diagnostics). */
  best: RelevanceEvidence;
  /**
   * The passages ranked after the quoted ones, best first, up to `more` of
   * them (the ones among the top k that were not relevant enough come first,
   * in their place): the next page of the same ranking, and the closest
   * passage of a declined question.
   */
  next: NextPassage[];
}

export interface AskOptions {
  k?: number;
  mode?: RankerMode;
  /** How many of the passages ranked after the quoted ones to return too, as `next` (default 0). */
  more?: number;
}

/** A passage the ranking placed after the quoted ones, with why it was not quoted. */
export interface NextPassage {
  passage: Passage;
  /** Cosine of its best window, 0–1 (0 when the dense ranker did not retrieve it). */
  score: number;
  evidence: RelevanceEvidence;
}

export interface IndexReport {
  /** How the index came to be served: loaded as persisted, or built (and why). */
  action: 'loaded' | 'built';
  reason: string;
  passages: number;
  windows: number;
  /** Windows embedded by this call: 0 on a warm start. */
  embedded: number;
  /** Windows whose vectors a build took from the embedding cache instead: 0 on a warm start. */
  reused: number;
  durationMs: number;
  builtAt: string;
}

export interface ReindexReport extends IndexReport {
  previousPassages: number;
  added: number;
  removed: number;
  changed: number;
}

export class EmptyQuestionError extends Error {
  constructor() {
    super('The question is empty.');
    this.name = 'EmptyQuestionError';
  }
}
