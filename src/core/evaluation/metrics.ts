/**
 * Retrieval metrics, pure: paragraph numbers in, numbers out, so that tests
 * can pin them.
 */

/** 1-based position of the first gold paragraph in a ranking, or null when none is ranked. */
export function firstGoldRank(ranking: readonly number[], gold: readonly number[]): number | null {
  const index = ranking.findIndex((paragraph) => gold.includes(paragraph));
  return index === -1 ? null : index + 1;
}

/** 1 when a gold paragraph is among the first k (any of several gold paragraphs counts), else 0. */
export function recallAt(ranking: readonly number[], gold: readonly number[], k: number): number {
  const rank = firstGoldRank(ranking, gold);
  return rank !== null && rank <= k ? 1 : 0;
}

/** 1 / rank of the first gold paragraph; 0 when none is ranked. */
export function reciprocalRank(ranking: readonly number[], gold: readonly number[]): number {
  const rank = firstGoldRank(ranking, gold);
  return rank === null ? 0 : 1 / rank;
}

export interface RankingMetrics {
  questions: number;
  recallAt1: number;
  recallAt3: number;
  mrr: number;
}

/** Mean recall@1, recall@3 and MRR over answerable questions (those with gold); unanswerable ones are skipped. */
export function rankingMetrics(
  items: readonly { ranking: readonly number[]; gold: readonly number[] }[],
): RankingMetrics {
  const answerable = items.filter((item) => item.gold.length > 0);
  const mean = (values: number[]) =>
    values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    questions: answerable.length,
    recallAt1: mean(answerable.map(({ ranking, gold }) => recallAt(ranking, gold, 1))),
    recallAt3: mean(answerable.map(({ ranking, gold }) => recallAt(ranking, gold, 3))),
    mrr: mean(answerable.map(({ ranking, gold }) => reciprocalRank(ranking, gold))),
  };
}
