import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ModelLoadError, type Embedder } from '../../embedding/embedder.js';
import { isUsableVector } from '../../embedding/vector-check.js';
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

/** Fewer usable probe scores than this make no 98th percentile worth serving: the build stops. */
export const MIN_USABLE_PROBES = 30;

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
  /**
   * What the calibration left out as unusable (vector-check.ts): probes whose vector was not finite or all
   * zeros, passage windows likewise (they are not in the index at all), and probe cosines that were not finite.
   */
  excluded: CalibrationExclusions;
}

export interface CalibrationExclusions {
  probes: number;
  windows: number;
  cosines: number;
}

const NOTHING_EXCLUDED: CalibrationExclusions = { probes: 0, windows: 0, cosines: 0 };

/** The model gives too few usable probe scores to calibrate a bar: it cannot serve (a NaN bar never is). */
export class CalibrationError extends ModelLoadError {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationError';
  }
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
export function calibrationFrom(
  bestScores: readonly number[],
  probeSet = PROBE_SET_ID,
  excluded: CalibrationExclusions = NOTHING_EXCLUDED,
): DenseCalibration {
  if (bestScores.length === 0) throw new Error('calibration needs at least one probe score');
  if (!bestScores.every(Number.isFinite)) throw new Error('calibration needs finite probe scores');
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
    excluded: { ...excluded },
  };
}

/**
 * Embeds the probes as questions and finds each one's best cosine among the
 * passages (`bestScore` searches the index being built; undefined when it
 * holds no vector). A probe with an unusable vector, or whose cosine is not
 * finite, is left out and counted; with fewer than {@link MIN_USABLE_PROBES}
 * left, the build stops with a {@link CalibrationError} naming the model.
 */
export async function calibrateDenseBar(
  embedder: Embedder,
  bestScore: (vector: Float32Array) => number | undefined,
  batchSize = 16,
  /** Passage windows left out of the index because their vectors were unusable. */
  windowsLeftOut = 0,
): Promise<DenseCalibration> {
  const scores: number[] = [];
  const excluded: CalibrationExclusions = { probes: 0, windows: windowsLeftOut, cosines: 0 };
  for (let start = 0; start < PROBES.length; start += batchSize) {
    const batch = PROBES.slice(start, start + batchSize).map((probe) => toSimplifiedScript(probe.text));
    for (const vector of await embedder.embed(batch, 'query')) {
      if (!isUsableVector(vector, embedder.info.dimensions)) {
        excluded.probes++;
        continue;
      }
      const score = bestScore(vector);
      if (score === undefined || !Number.isFinite(score)) excluded.cosines++;
      else scores.push(score);
    }
  }
  if (scores.length < MIN_USABLE_PROBES)
    throw new CalibrationError(
      `The dense bar cannot be calibrated for the embedding model ${embedder.info.id}: only ${scores.length} of ` +
        `${PROBES.length} off-topic probe questions gave a usable score (${excluded.probes} vectors were not finite ` +
        `or all zeros, ${excluded.cosines} cosines were not finite, and ${excluded.windows} passage windows had no ` +
        `usable vector); at least ${MIN_USABLE_PROBES} are needed. The model does not seem to know the probes' ` +
        'languages (Chinese and English): choose another EMBEDDING_MODEL.',
    );
  return calibrationFrom(scores, PROBE_SET_ID, excluded);
}
