import type { Passage } from '../corpus/corpus.js';
import type { IndexSnapshot } from '../index/index-store.js';
import { lexicalTerms, type LexicalHit } from './lexical.js';
import { splitSentences } from '../corpus/windows.js';

export type RankerMode = 'hybrid' | 'dense' | 'lexical';

export interface RankedPassage {
  passageIndex: number;
  passage: Passage;
  /** Cosine similarity of the passage's best-matching window to the question (0–1), null when not retrieved densely. */
  denseScore: number | null;
  denseRank: number | null;
  /** BM25 score, null when the passage shares no term with the question (or the mode is dense). */
  lexicalScore: number | null;
  lexicalRank: number | null;
  /** Share of the question's informative words the passage contains (0–1), null when not retrieved lexically. */
  lexicalCoverage: number | null;
  /** The score of the final ranking (see {@link rankPassages}). */
  fusedScore: number;
}

/**
 * How many passages each ranker contributes: the same pool for any k up to
 * 12, so the fused order (scaled over the pool) does not depend on k.
 */
export function candidateCount(passages: number, limit: number): number {
  return Math.min(passages, Math.max(limit * 4, 50));
}

/**
 * Ranks passages for a question by the dense ranker (hnswlib over windows,
 * windows of one paragraph collapsed to their best), the lexical ranker (BM25
 * over segmented words and bigrams), or both fused.
 *
 * Hybrid fusion is a convex combination of the two scores, each scaled to
 * 0–1 over the candidates (BM25 divided by the best BM25; cosine min–max),
 * with the lexical share α = √c, where c is how much of the question the best
 * lexical match covers. A question whose words are all in one paragraph (a
 * name, a number, a phrase of the article) is decided by the lexical ranker
 * alone; one sharing nothing with the text (an English question about a
 * Chinese article, a paraphrase) by the dense ranker alone; in between, both
 * count, the exact matches somewhat more (the square root). Plain reciprocal
 * rank fusion was measured worse (`npm run eval`): with 25 paragraphs its
 * flat rank weights let a weak dense ranking outvote a decisive lexical one.
 */
export function rankPassages(
  snapshot: IndexSnapshot,
  question: string,
  queryVector: Float32Array | null,
  options: {
    mode: RankerMode;
    limit: number;
    /** The lexical ranker's hits when the caller already has them (computed while the question was being embedded). */
    lexicalHits?: LexicalHit[];
  },
): RankedPassage[] {
  const { manifest } = snapshot;
  const candidates = candidateCount(manifest.passages.length, options.limit);
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
        lexicalCoverage: null,
        fusedScore: 0,
      };
      entries.set(passageIndex, found);
    }
    return found;
  };

  // Windows without a usable vector are not in the vector index: only what it holds can be asked for.
  const vectorCount = snapshot.vectors.getCurrentCount();
  if (options.mode !== 'lexical' && queryVector && vectorCount > 0) {
    const k = Math.min(vectorCount, candidates * 2);
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
    (options.lexicalHits ?? snapshot.lexical.search(question, candidates)).forEach((hit, position) => {
      const current = entry(hit.passage);
      current.lexicalRank = position + 1;
      current.lexicalScore = hit.score;
      current.lexicalCoverage = hit.coverage;
    });
  }

  const ranked = [...entries.values()];
  const dense = ranked.map((item) => item.denseScore).filter((score): score is number => score !== null);
  const denseMin = Math.min(...dense);
  const denseRange = Math.max(...dense) - denseMin;
  const lexicalMax = Math.max(0, ...ranked.map((item) => item.lexicalScore ?? 0));
  const coverage = Math.max(0, ...ranked.map((item) => item.lexicalCoverage ?? 0));
  const lexicalShare =
    options.mode === 'lexical' ? 1 : options.mode === 'dense' || lexicalMax === 0 ? 0 : Math.sqrt(coverage);
  for (const item of ranked) {
    const denseNormalized =
      item.denseScore === null ? 0 : denseRange > 0 ? (item.denseScore - denseMin) / denseRange : 1;
    const lexicalNormalized = lexicalMax > 0 ? (item.lexicalScore ?? 0) / lexicalMax : 0;
    item.fusedScore = lexicalShare * lexicalNormalized + (1 - lexicalShare) * denseNormalized;
  }
  return ranked
    .sort(
      (left, right) =>
        right.fusedScore - left.fusedScore ||
        (right.lexicalScore ?? 0) - (left.lexicalScore ?? 0) ||
        (right.denseScore ?? -1) - (left.denseScore ?? -1) ||
        left.passageIndex - right.passageIndex,
    )
    .slice(0, options.limit);
}

/** A character range of a passage's text. */
export interface Highlight {
  start: number;
  end: number;
}

/**
 * Picks the sentence(s) of a passage that best answer the question: the ones
 * sharing the most question terms, each term weighted by how telling it is
 * (`weigh`, the corpus idf when the index is at hand; else by its length, as
 * names and words carry more than bigram overlaps), normalised gently for
 * sentence length. A second sentence is marked only when it scores nearly as
 * well as the first.
 */
export function highlightSentences(text: string, question: string, weigh?: (term: string) => number): Highlight[] {
  const questionTerms = new Set(lexicalTerms(question));
  if (questionTerms.size === 0) return [];
  const weight = weigh ?? ((term: string) => Math.min(3, [...term].length));
  const sentences = splitSentences(text);
  let offset = 0;
  const scored = sentences.map((sentence) => {
    const start = text.indexOf(sentence, offset);
    offset = start + sentence.length;
    const terms = lexicalTerms(sentence);
    const shared = new Set(terms.filter((term) => questionTerms.has(term)));
    const score = [...shared].reduce((sum, term) => sum + weight(term), 0) / Math.sqrt(1 + terms.length / 8);
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
