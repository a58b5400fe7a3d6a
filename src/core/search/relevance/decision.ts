import type { WeighedWord } from '../lexical.js';

/**
 * The one rule that decides whether a passage answers a question, weighing
 * both kinds of evidence together:
 *
 *     dense + lexical / LEXICAL_SUFFICIENCY − GAP_PENALTY × gap  ≥  1
 *
 * - **dense**: how far the passage's cosine lies above what off-topic
 *   questions score, in units of the calibrated spread: 1 at the bar (which
 *   only ~2% of off-topic probes clear), 0 at the probes' median, never
 *   negative (a weak cosine is no evidence, not counter-evidence). Dense
 *   evidence alone at the bar is enough: that is what the bar means.
 * - **lexical**: the specific content of the question the passage contains
 *   (words weighed by their specificity in the language at large, so that
 *   现在, 多少, 比较 count for nothing), as a share of the question's content
 *   (absent content words weigh at least ABSENT_CONTENT_WEIGHT however
 *   everyday: an article that never mentions children does not say how many
 *   someone has), and out of at least one specific word's worth (a lone
 *   barely-specific word is not evidence). A name or a number found verbatim
 *   is 1, enough on its own.
 * - **gap**: the share of the question's content the whole article lacks,
 *   counting only words in the scripts the article is written in (an English
 *   word's absence from a Chinese article says nothing). Specific words the
 *   article never mentions raise the bar for every kind of evidence.
 *
 * The three constants were set on the tuning half of the evaluation set
 * (docs/retrieval.md) and are the same for every model: what differs between
 * models is carried by the calibration of the dense bar.
 */
export const LEXICAL_SUFFICIENCY = 0.3;
export const GAP_PENALTY = 0.5;
export const ABSENT_CONTENT_WEIGHT = 0.5;

/** The evidence for one passage, and the decision. */
export interface RelevanceEvidence {
  dense: number;
  lexical: number;
  gap: number;
  /** dense + lexical / LEXICAL_SUFFICIENCY − GAP_PENALTY × gap: the passage is quoted when it reaches 1. */
  score: number;
  relevant: boolean;
}

/** The dense bar in force and its unit, from the calibration (and MIN_SCORE, which moves the bar only). */
export interface DenseBar {
  bar: number;
  spread: number;
}

export type Script = 'han' | 'latin';

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;
const DIGIT = /\p{N}/u;

/** The scripts a corpus is written in: each that makes up at least a fifth of its letters. */
export function scriptsOf(texts: readonly string[]): Set<Script> {
  let han = 0;
  let latin = 0;
  for (const text of texts) {
    for (const character of text) {
      if (HAN.test(character)) han++;
      else if (LATIN.test(character)) latin++;
    }
  }
  const letters = Math.max(1, han + latin);
  const scripts = new Set<Script>();
  if (han / letters >= 0.2) scripts.add('han');
  if (latin / letters >= 0.2) scripts.add('latin');
  return scripts;
}

/** How much a word weighs when absent: its specificity, or more for a content word. */
export function absentWeight(word: WeighedWord): number {
  return Math.max(word.specificity, word.content ? ABSENT_CONTENT_WEIGHT : 0);
}

/** Whether the article's lacking a word says anything: a number, or a word in a script the article is written in. */
export function countsTowardsGap(word: string, scripts: ReadonlySet<Script>): boolean {
  if (DIGIT.test(word)) return true;
  return HAN.test(word) ? scripts.has('han') : scripts.has('latin');
}

/**
 * The share of the question's content the whole article lacks, 0–1.
 * `found[i]` is how much of word i the best passage contains; `counts[i]` whether its absence
 * says anything (see {@link countsTowardsGap}: an English word's absence from a Chinese article
 * does not, unless the dictionary knows what it would be in Chinese).
 */
export function questionGap(
  words: readonly WeighedWord[],
  found: readonly number[],
  counts: readonly boolean[],
): number {
  const total = words.reduce((sum, word) => sum + absentWeight(word), 0);
  const missing = words.reduce(
    (sum, word, index) => sum + (counts[index] ? absentWeight(word) * (1 - found[index]!) : 0),
    0,
  );
  return missing / Math.max(1, total);
}

/**
 * The lexical evidence of a passage, 0–1, from how much of each question word it contains
 * (`matches[i]`). A word whose absence says nothing (`counts[i]` false: an English word the
 * dictionary does not know, asked of a Chinese article) adds what it matches and costs nothing.
 */
export function lexicalEvidence(
  words: readonly WeighedWord[],
  matches: readonly number[],
  counts: readonly boolean[] = words.map(() => true),
): number {
  let present = 0;
  let absent = 0;
  words.forEach((word, index) => {
    present += word.specificity * matches[index]!;
    if (counts[index]) absent += absentWeight(word) * (1 - matches[index]!);
  });
  return present / Math.max(1, present + absent);
}

/** Dense evidence: 1 at the bar, 0 at the off-topic median, in units of the calibrated spread; never negative. */
export function denseEvidence(cosine: number | null, bar: DenseBar): number {
  if (cosine === null) return 0;
  return Math.max(0, 1 + (cosine - bar.bar) / bar.spread);
}

export function weighEvidence(dense: number, lexical: number, gap: number): RelevanceEvidence {
  const score = dense + lexical / LEXICAL_SUFFICIENCY - GAP_PENALTY * gap;
  return { dense, lexical, gap, score, relevant: score >= 1 };
}
