import type { WeighedWord } from '../lexical.js';
import type { RankedPassage } from '../retrieval.js';
import type { DenseCalibration } from './calibration.js';
import {
  countsTowardsGap,
  denseEvidence,
  lexicalEvidence,
  questionGap,
  weighEvidence,
  type DenseBar,
  type RelevanceEvidence,
  type Script,
} from './decision.js';
import type { MeaningEvidence } from './meanings.js';

/** The dense bar in force: calibrated for the model, unless MIN_SCORE sets it. */
export interface BarInForce extends DenseBar {
  source: 'calibrated' | 'MIN_SCORE';
  /** Off-topic probes the calibration measured. */
  probes: number;
}

export function barInForce(calibration: DenseCalibration, minScore: number | undefined): BarInForce {
  return {
    bar: minScore ?? calibration.bar,
    spread: calibration.spread,
    source: minScore === undefined ? 'calibrated' : 'MIN_SCORE',
    probes: calibration.probes,
  };
}

/** What becomes of a question: its passages quoted, quoted under a caveat naming what the article lacks, or declined. */
export type Outcome = 'answered' | 'partial' | 'declined';

/**
 * Dense evidence this strong (the bar plus half a unit) lets a question the article speaks to only
 * in part be answered partly although none of its specific words was found.
 */
export const STRONG_DENSE = 1.5;

/**
 * A word specific enough to be named as missing: its absence from an article says the article does
 * not answer the question, where an everyday verb's or adjective's absence may only be a paraphrase.
 */
export const NAMEABLE_SPECIFICITY = 0.3;

const DIGIT = /\p{N}/u;

/** A word a reply may name, as found or as missing: a content word or a number, and a noun or a fairly specific word. */
function namesSomething(word: WeighedWord): boolean {
  return (word.content || DIGIT.test(word.word)) && (word.noun || word.specificity >= NAMEABLE_SPECIFICITY);
}

/** The decision on a question as a whole, and the evidence for each ranked passage. */
export interface Judgement {
  /** In the order of `ranked`: on the whole question, or, when words are missing, on the part of it the article speaks to. */
  evidence: RelevanceEvidence[];
  /** The question's content words the article has nowhere, even through the dictionary (normalised), in question order. */
  missing: string[];
  /** The question's content words the article has (as written or through the dictionary), most specific first. */
  covered: string[];
  /** Whether the article has a specific word of the question (as written or through the dictionary). */
  specificFound: boolean;
}

/** The best match of each word anywhere in the article; a loop, not a spread, so any corpus size works. */
function bestMatches(matches: readonly number[][]): number[] {
  return matches.map((perPassage) => {
    let best = 0;
    for (const match of perPassage) if (match > best) best = match;
    return best;
  });
}

/** Only the question's words at `keep` (the part of the question the article speaks to). */
function restricted(evidence: MeaningEvidence, keep: readonly number[]): MeaningEvidence {
  const pick = <T>(values: readonly T[]) => keep.map((index) => values[index]!);
  return {
    words: pick(evidence.words),
    matches: pick(evidence.matches),
    links: pick(evidence.links),
    known: pick(evidence.known),
    inArticle: pick(evidence.inArticle),
  };
}

/**
 * Weighs the evidence for each ranked passage with the one decision rule (decision.ts), after
 * setting aside the words the article lacks altogether: those are what a partial answer names.
 */
export function judgePassages(
  ranked: readonly RankedPassage[],
  meaning: MeaningEvidence,
  bar: DenseBar,
  scripts: ReadonlySet<Script>,
): Judgement {
  const found = bestMatches(meaning.matches);
  // A word counts where its absence says something: in the article's scripts, or known to the dictionary.
  const counts = meaning.words.map((word, index) => countsTowardsGap(word.word, scripts) || meaning.known[index]!);
  // Only a word of the dictionary is named as missing: not a slip of segmentation such as 钱建.
  const nameable = meaning.words.map((word, index) => meaning.known[index]! && namesSomething(word));
  const isMissing = meaning.words.map(
    (_, index) => counts[index]! && nameable[index]! && found[index]! < 1 && meaning.links[index]!.length === 0,
  );
  const keep = meaning.words.map((_, index) => index).filter((index) => !isMissing[index]);
  const judged = keep.length === meaning.words.length ? meaning : restricted(meaning, keep);
  const gap = questionGap(
    judged.words,
    judged.inArticle,
    keep.map((index) => counts[index]!),
  );
  const evidence = ranked.map((entry) =>
    weighEvidence(
      denseEvidence(entry.denseScore, bar),
      lexicalEvidence(
        judged.words,
        judged.matches.map((perPassage) => perPassage[entry.passageIndex]!),
        keep.map((index) => counts[index]!),
      ),
      gap,
    ),
  );
  const covered = keep
    .filter((index) => namesSomething(meaning.words[index]!) && found[index]! >= 0.5)
    .sort((left, right) => meaning.words[right]!.specificity - meaning.words[left]!.specificity)
    .map((index) => meaning.words[index]!.word);
  return {
    evidence,
    missing: meaning.words.filter((_, index) => isMissing[index]).map((word) => word.word),
    covered,
    specificFound: keep.some(
      (index) => meaning.words[index]!.specificity >= NAMEABLE_SPECIFICITY && found[index]! >= 0.5,
    ),
  };
}

/**
 * What becomes of the question, given the passages the rule quotes: answered when the article has
 * every word of it (or its meaning); partial when it lacks some but speaks to the rest, through a
 * specific word it has or strong dense evidence; declined otherwise.
 */
export function decideOutcome(judgement: Judgement, quoted: readonly RelevanceEvidence[]): Outcome {
  if (quoted.length === 0) return 'declined';
  if (judgement.missing.length === 0) return 'answered';
  const strongDense = quoted.some((evidence) => evidence.dense >= STRONG_DENSE);
  return judgement.specificFound || strongDense ? 'partial' : 'declined';
}
