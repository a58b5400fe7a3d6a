import type { Passage } from './corpus.js';
import type { ModelInfo } from './embedder.js';
import type { IndexSnapshot } from './index-store.js';
import { lexicalTerms } from './lexical.js';
import { splitSentences } from './windows.js';

export type RankerMode = 'hybrid' | 'dense' | 'lexical';

export interface RankedPassage {
  passageIndex: number;
  passage: Passage;
  /** Cosine similarity of the passage's best-matching window to the question (0–1), null when not retrieved densely. */
  denseScore: number | null;
  denseRank: number | null;
  lexicalScore: number | null;
  lexicalRank: number | null;
  /** Reciprocal-rank-fusion score: the order of the final ranking. */
  fusedScore: number;
}

/** RRF's k: damps the weight of the very first ranks so neither ranker dominates alone. */
const RRF_K = 60;

/**
 * Ranks passages for a question by the dense ranker (hnswlib over windows,
 * windows of one paragraph collapsed to their best), the lexical ranker (BM25
 * over segmented words and bigrams), or both fused by reciprocal rank.
 */
export function rankPassages(
  snapshot: IndexSnapshot,
  question: string,
  queryVector: Float32Array | null,
  options: { mode: RankerMode; limit: number },
): RankedPassage[] {
  const { manifest } = snapshot;
  const candidates = Math.min(manifest.passages.length, Math.max(options.limit * 4, 20));
  const entries = new Map<number, RankedPassage>();
  const entry = (passageIndex: number): RankedPassage => {
    let found = entries.get(passageIndex);
    if (!found) {
      found = {
        passageIndex,
        passage: manifest.passages[passageIndex]!,
        denseScore: null,
        denseRank: null,
        lexicalScore: null,
        lexicalRank: null,
        fusedScore: 0,
      };
      entries.set(passageIndex, found);
    }
    return found;
  };

  if (options.mode !== 'lexical' && queryVector) {
    const windowCount = manifest.windows.length;
    const k = Math.min(windowCount, candidates * 2);
    const { neighbors, distances } = snapshot.vectors.searchKnn(Array.from(queryVector), k);
    let rank = 0;
    neighbors.forEach((label, position) => {
      const passageIndex = manifest.windows[label]!;
      const current = entry(passageIndex);
      const similarity = 1 - distances[position]!;
      if (current.denseRank === null) {
        current.denseRank = ++rank;
        current.denseScore = similarity;
      } else if (similarity > (current.denseScore ?? -Infinity)) current.denseScore = similarity;
    });
  }

  if (options.mode !== 'dense') {
    snapshot.lexical.search(question, candidates).forEach((hit, position) => {
      const current = entry(hit.passage);
      current.lexicalRank = position + 1;
      current.lexicalScore = hit.score;
    });
  }

  for (const ranked of entries.values()) {
    ranked.fusedScore =
      (ranked.denseRank !== null ? 1 / (RRF_K + ranked.denseRank) : 0) + (ranked.lexicalRank !== null ? 1 / (RRF_K + ranked.lexicalRank) : 0);
  }
  return [...entries.values()]
    .sort((left, right) => right.fusedScore - left.fusedScore || (right.denseScore ?? 0) - (left.denseScore ?? 0))
    .slice(0, options.limit);
}

/**
 * The similarity above which a passage is taken to answer the question.
 * Calibrated per model family with `npm run eval`: e5 models place even
 * unrelated text around 0.75–0.8 by design, so their bar sits high.
 */
export function defaultRelevanceThreshold(model: ModelInfo): number {
  if (/e5/i.test(model.id)) return 0.82;
  return 0.45;
}

/** A character range of a passage's text. */
export interface Highlight {
  start: number;
  end: number;
}

/**
 * Picks the sentence(s) of a passage that best answer the question: the ones
 * sharing the most (idf-free, length-normalised) terms with it. A second
 * sentence is marked only when it scores nearly as well as the first.
 */
export function highlightSentences(text: string, question: string): Highlight[] {
  const questionTerms = new Set(lexicalTerms(question));
  if (questionTerms.size === 0) return [];
  const sentences = splitSentences(text);
  let offset = 0;
  const scored = sentences.map((sentence) => {
    const start = text.indexOf(sentence, offset);
    offset = start + sentence.length;
    const terms = lexicalTerms(sentence);
    const shared = new Set(terms.filter((term) => questionTerms.has(term)));
    // Longer terms (names, numbers, words) carry more than bigram overlaps.
    const score = [...shared].reduce((sum, term) => sum + Math.min(3, [...term].length), 0) / Math.sqrt(1 + terms.length / 8);
    const trimmedEnd = start + sentence.replace(/\s+$/, '').length;
    return { start, end: trimmedEnd, score };
  });
  const best = Math.max(...scored.map((sentence) => sentence.score));
  if (best <= 0) return [];
  return scored
    .filter((sentence) => sentence.score >= best * 0.8)
    .sort((left, right) => right.score - left.score)
    .slice(0, 2)
    .sort((left, right) => left.start - right.start)
    .map(({ start, end }) => ({ start, end }));
}
