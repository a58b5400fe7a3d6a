import type { LexicalEvidence } from '../lexical.js';
import type { RankedPassage } from '../retrieval.js';
import type { DenseCalibration } from './calibration.js';
import {
  denseEvidence,
  lexicalEvidence,
  questionGap,
  weighEvidence,
  type DenseBar,
  type RelevanceEvidence,
  type Script,
} from './decision.js';

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

/**
 * Weighs the evidence for each ranked passage with the one decision rule
 * (see decision.ts). Returns the evidence in the order of `ranked`.
 */
export function judgePassages(
  ranked: readonly RankedPassage[],
  lexical: LexicalEvidence,
  bar: DenseBar,
  scripts: ReadonlySet<Script>,
): RelevanceEvidence[] {
  // A loop, not Math.max(...spread): one argument per passage overflows the stack on a corpus of a few hundred thousand.
  const found = lexical.matches.map((perPassage) =>
    perPassage.reduce((best, match) => (match > best ? match : best), 0),
  );
  const gap = questionGap(lexical.words, found, scripts);
  return ranked.map((entry) =>
    weighEvidence(
      denseEvidence(entry.denseScore, bar),
      lexicalEvidence(
        lexical.words,
        lexical.matches.map((perPassage) => perPassage[entry.passageIndex]!),
      ),
      gap,
    ),
  );
}
