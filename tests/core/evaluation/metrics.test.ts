import { describe, expect, it } from 'vitest';
import { firstGoldRank, rankingMetrics, recallAt, reciprocalRank } from '../../../src/core/evaluation/metrics.js';
import { parseQuestions } from '../../../src/core/evaluation/questions.js';

describe('evaluation metrics', () => {
  describe('given a ranking and gold paragraphs', () => {
    it('then the first gold rank, recall@k and reciprocal rank follow from the first gold paragraph ranked', () => {
      expect(firstGoldRank([5, 3, 9], [9, 3])).toBe(2);
      expect(firstGoldRank([5, 3, 9], [7])).toBeNull();
      expect(recallAt([5, 3, 9], [9], 1)).toBe(0);
      expect(recallAt([5, 3, 9], [9], 3)).toBe(1);
      expect(reciprocalRank([5, 3, 9], [9])).toBeCloseTo(1 / 3);
      expect(reciprocalRank([5, 3, 9], [7])).toBe(0);
    });
  });

  describe('given several questions, one of them unanswerable', () => {
    it('then recall@1, recall@3 and MRR are means over the answerable ones only', () => {
      const metrics = rankingMetrics([
        { ranking: [1, 2, 3], gold: [1] },
        { ranking: [4, 5, 6], gold: [6] },
        { ranking: [7, 8, 9], gold: [10] },
        { ranking: [1, 2, 3], gold: [] },
      ]);
      expect(metrics).toEqual({ questions: 3, recallAt1: 1 / 3, recallAt3: 2 / 3, mrr: (1 + 1 / 3 + 0) / 3 });
    });
  });

  describe('given a malformed question file', () => {
    it('then it is rejected: duplicate ids, unknown languages, a scope on an answerable question', () => {
      const valid = { id: 'a', lang: 'zh-Hans', question: '博通', gold: [24] };
      expect(parseQuestions([valid])).toHaveLength(1);
      expect(() => parseQuestions([valid, valid])).toThrow(/duplicate/);
      expect(() => parseQuestions([{ ...valid, lang: 'fr' }])).toThrow();
      expect(() => parseQuestions([{ ...valid, scope: 'off-topic' }])).toThrow();
    });
  });
});
