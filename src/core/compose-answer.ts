import type { Answer } from './answer.js';
import { asSpelledIn } from './corpus/normalize.js';
import type { IndexSnapshot } from './index/index-store.js';
import type { RelevanceEvidence } from './search/relevance/decision.js';
import { decideOutcome, judgePassages, type BarInForce } from './search/relevance/judge.js';
import type { MeaningEvidence } from './search/relevance/meanings.js';
import { highlightSentences, type RankedPassage } from './search/retrieval.js';

const NO_EVIDENCE: RelevanceEvidence = { dense: 0, lexical: 0, gap: 0, score: 0, relevant: false };

/**
 * Turns a question's ranking into the answer: the one rule judges each of the top `k` passages
 * (relevance/decision.ts) on the part of the question the article speaks to; only those it finds
 * relevant are quoted, the rest of the top k being noise; the outcome says whether they answer the
 * whole question, part of it, or nothing; `more` of the passages ranked after them come as `next`.
 */
export function composeAnswer(
  question: string,
  snapshot: IndexSnapshot,
  ranked: readonly RankedPassage[],
  meaning: MeaningEvidence,
  options: { k: number; more: number; bar: BarInForce },
): Answer {
  const { k, more, bar } = options;
  const judgement = judgePassages(ranked, meaning, bar, new Set(snapshot.manifest.corpus.scripts));
  const { evidence } = judgement;
  const best = evidence
    .slice(0, k)
    .reduce((strongest, entry) => (entry.score > strongest.score ? entry : strongest), NO_EVIDENCE);
  const judged = ranked.map((entry, index) => ({ entry, evidence: evidence[index]!, quoted: false }));
  // Only the top k may be quoted; what follows them is `next`, whatever its evidence.
  for (const candidate of judged.slice(0, k)) candidate.quoted = candidate.evidence.relevant;
  const outcome = decideOutcome(
    judgement,
    judged.filter((candidate) => candidate.quoted).map((candidate) => candidate.evidence),
  );
  // A question the article speaks to only in everyday words is declined, whatever passed the rule.
  if (outcome === 'declined') for (const candidate of judged) candidate.quoted = false;
  const next = judged
    .filter((candidate) => !candidate.quoted)
    .slice(0, more)
    .map(({ entry, evidence: nextEvidence }) => ({
      passage: entry.passage,
      score: entry.denseScore ?? 0,
      evidence: nextEvidence,
    }));
  const weigh = (term: string) => snapshot.lexical.termWeight(term);
  const results = judged
    .filter((candidate) => candidate.quoted)
    .map(({ entry, evidence: quotedEvidence }, index) => ({
      rank: index + 1,
      score: entry.denseScore ?? 0,
      coverage: entry.lexicalCoverage ?? 0,
      passage: entry.passage,
      highlights: highlightSentences(entry.passage.text, question, weigh),
      evidence: quotedEvidence,
    }));
  return {
    question,
    outcome,
    answered: outcome === 'answered',
    // As the question spells them, for a caveat: only a partial answer names them.
    missing: outcome === 'partial' ? judgement.missing.map((word) => asSpelledIn(question, word)) : [],
    covered: outcome === 'partial' ? judgement.covered.slice(0, 3).map((word) => asSpelledIn(question, word)) : [],
    results,
    bar,
    best,
    next,
    manifest: snapshot.manifest,
  };
}
