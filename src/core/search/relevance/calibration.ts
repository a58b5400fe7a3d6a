import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Embedder } from '../../embedding/embedder.js';
import { toSimplifiedScript } from '../../corpus/normalize.js';

/**
 * The dense bar, calibrated for whatever model is loaded. Cosine scores mean
 * different things to different models (e5 places even unrelated text around
 * 0.8; a small model may place it around 0.3), so the bar is measured rather
 * than assumed: when an index is built, a fixed set of off-topic probe
 * questions is embedded against its passages, and the bar is set where only
 * about {@link PROBE_SHARE_ABOVE_BAR} of them would clear it.
 */

/** The share of off-topic probes allowed to clear the bar: the bar is their 98th percentile. */
export const PROBE_SHARE_ABOVE_BAR = 0.02;

export interface Probe {
  lang: 'zh-Hans' | 'zh-Hant' | 'en';
  text: string;
}

/** Off-topic questions on many subjects, in three languages, written for the project (none is an evaluation question). */
export const PROBES: readonly Probe[] = JSON.parse(
  readFileSync(new URL('./probes.json', import.meta.url), 'utf8'),
) as Probe[];

/** Identifies the probe set, so that editing it recalibrates persisted indexes. */
export const PROBE_SET_ID = createHash('sha256')
  .update(PROBES.map((probe) => `${probe.lang}\t${probe.text}`).join('\n'))
  .digest('hex')
  .slice(0, 16);

/** The calibration as recorded in the index manifest. */
export interface DenseCalibration {
  probeSet: string;
  probes: number;
  /** The probes' best cosine against any passage, summarised. */
  distribution: { min: number; p25: number; median: number; p75: number; p90: number; p98: number; max: number };
  /** The calibrated bar: a passage this similar to a question is about as related as only 2% of off-topic probes. */
  bar: number;
  /** How far the bar lies above the typical off-topic score (bar − median): the unit of dense evidence. */
  spread: number;
}

/** The p-quantile of sorted values, interpolated. */
function quantile(sorted: readonly number[], p: number): number {
  const position = p * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** Rounds to 4 decimals: what the manifest stores and the user sees. */
const round = (value: number) => Math.round(value * 10_000) / 10_000;

/** The bar and the spread from the probes' best scores. */
export function calibrationFrom(bestScores: readonly number[], probeSet = PROBE_SET_ID): DenseCalibration {
  if (bestScores.length === 0) throw new Error('calibration needs at least one probe score');
  const sorted = [...bestScores].sort((left, right) => left - right);
  const median = quantile(sorted, 0.5);
  const bar = quantile(sorted, 1 - PROBE_SHARE_ABOVE_BAR);
  return {
    probeSet,
    probes: sorted.length,
    distribution: {
      min: round(sorted[0]!),
      p25: round(quantile(sorted, 0.25)),
      median: round(median),
      p75: round(quantile(sorted, 0.75)),
      p90: round(quantile(sorted, 0.9)),
      p98: round(bar),
      max: round(sorted.at(-1)!),
    },
    bar: round(bar),
    // A model whose off-topic scores barely vary would make every hair above the bar count as much evidence
    // as a clear match; a floor keeps a unit of evidence meaningful.
    spread: round(Math.max(0.01, bar - median)),
  };
}

/**
 * Embeds the probes as questions and finds each one's best cosine among the
 * passages (`bestScore` searches the index being built).
 */
export async function calibrateDenseBar(
  embedder: Embedder,
  bestScore: (vector: Float32Array) => number,
  batchSize = 16,
): Promise<DenseCalibration> {
  const scores: number[] = [];
  for (let start = 0; start < PROBES.length; start += batchSize) {
    const batch = PROBES.slice(start, start + batchSize).map((probe) => toSimplifiedScript(probe.text));
    for (const vector of await embedder.embed(batch, 'query')) scores.push(bestScore(vector));
  }
  return calibrationFrom(scores);
}
