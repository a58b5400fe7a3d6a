import { describe, expect, it } from 'vitest';
import { summarize, type QuestionOutcome } from '../../../src/core/evaluation/evaluate.js';

function outcome(
  overrides: Partial<QuestionOutcome> & Pick<QuestionOutcome, 'id' | 'gold' | 'outcome'>,
): QuestionOutcome {
  const ranking = overrides.gold.length > 0 ? [...overrides.gold] : [1, 2, 3];
  return {
    lang: 'zh-Hans',
    question: overrides.id,
    rankings: { dense: ranking, lexical: ranking, hybrid: ranking },
    answered: overrides.outcome === 'answered',
    answer: overrides.outcome === 'declined' ? [] : ranking.slice(0, 1),
    missing: overrides.outcome === 'partial' ? ['创始人'] : [],
    ...overrides,
  };
}

describe('given outcomes from both halves of the set', () => {
  const report = summarize('tiny', 10, [
    outcome({ id: 'a', split: 'tuning', gold: [1], outcome: 'answered' }),
    outcome({ id: 'b', split: 'tuning', gold: [2], outcome: 'declined' }),
    outcome({ id: 'c', split: 'tuning', gold: [], scope: 'off-topic', outcome: 'declined' }),
    outcome({ id: 'd', split: 'held-out', gold: [], scope: 'near-topic', outcome: 'answered' }),
    outcome({ id: 'e', split: 'held-out', gold: [], scope: 'near-topic', outcome: 'partial' }),
    outcome({ id: 'f', split: 'held-out', lang: 'en', gold: [3], outcome: 'partial' }),
    outcome({ id: 'g', split: 'held-out', lang: 'en', gold: [3], answer: [9], outcome: 'partial' }),
  ]);

  it('then each half is reported on its own, and all questions together', () => {
    expect(report.parts.tuning!.questions).toBe(3);
    expect(report.parts['held-out']!.questions).toBe(4);
    expect(report.parts.all!.questions).toBe(7);
  });

  it('then answered, partial and declined are counted per kind of question, per half and per language', () => {
    expect(report.parts.tuning!.decision.all).toEqual({
      answerable: { questions: 2, answered: 1, partial: 0, declined: 1, goldQuoted: 1 },
      offTopic: { questions: 1, answered: 0, partial: 0, declined: 1 },
      nearTopic: { questions: 0, answered: 0, partial: 0, declined: 0 },
    });
    expect(report.parts['held-out']!.decision.all.nearTopic).toEqual({
      questions: 2,
      answered: 1,
      partial: 1,
      declined: 0,
    });
    expect(report.parts['held-out']!.decision.zh.answerable.questions).toBe(0);
  });

  it('then an answerable question counts as gold quoted only when a partial or answered reply quotes a gold paragraph', () => {
    expect(report.parts['held-out']!.decision.en.answerable).toEqual({
      questions: 2,
      answered: 0,
      partial: 2,
      declined: 0,
      goldQuoted: 1,
    });
  });

  it('then ranking metrics count only answerable questions', () => {
    expect(report.parts.all!.ranking.hybrid.all.questions).toBe(4);
    expect(report.parts.all!.ranking.hybrid.all.recallAt1).toBe(1);
  });
});

describe('given a question set without halves', () => {
  it('then only the whole set is reported', () => {
    const report = summarize('tiny', 10, [outcome({ id: 'a', gold: [1], outcome: 'answered' })]);
    expect(Object.keys(report.parts)).toEqual(['all']);
  });
});
