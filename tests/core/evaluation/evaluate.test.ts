import { describe, expect, it } from 'vitest';
import { summarize, type QuestionOutcome } from '../../../src/core/evaluation/evaluate.js';

function outcome(
  overrides: Partial<QuestionOutcome> & Pick<QuestionOutcome, 'id' | 'gold' | 'answered'>,
): QuestionOutcome {
  const ranking = overrides.gold.length > 0 ? [...overrides.gold] : [1, 2, 3];
  return {
    lang: 'zh-Hans',
    question: overrides.id,
    rankings: { dense: ranking, lexical: ranking, hybrid: ranking },
    answer: [],
    ...overrides,
  };
}

describe('given outcomes from both halves of the set', () => {
  const report = summarize('tiny', 10, [
    outcome({ id: 'a', split: 'tuning', gold: [1], answered: true }),
    outcome({ id: 'b', split: 'tuning', gold: [2], answered: false }),
    outcome({ id: 'c', split: 'tuning', gold: [], scope: 'off-topic', answered: false }),
    outcome({ id: 'd', split: 'held-out', gold: [], scope: 'near-topic', answered: true }),
    outcome({ id: 'e', split: 'held-out', gold: [], scope: 'near-topic', answered: false }),
    outcome({ id: 'f', split: 'held-out', lang: 'en', gold: [3], answered: false }),
  ]);

  it('then each half is reported on its own, and all questions together', () => {
    expect(report.parts.tuning!.questions).toBe(3);
    expect(report.parts['held-out']!.questions).toBe(3);
    expect(report.parts.all!.questions).toBe(6);
  });

  it('then off-topic and near-topic declines and false declines are counted per half and per language', () => {
    expect(report.parts.tuning!.decision.all).toEqual({
      offTopicDeclined: { count: 1, questions: 1 },
      nearTopicDeclined: { count: 0, questions: 0 },
      falselyDeclined: { count: 1, questions: 2 },
    });
    expect(report.parts['held-out']!.decision.all.nearTopicDeclined).toEqual({ count: 1, questions: 2 });
    expect(report.parts['held-out']!.decision.zh.falselyDeclined).toEqual({ count: 0, questions: 0 });
    expect(report.parts['held-out']!.decision.en.falselyDeclined).toEqual({ count: 1, questions: 1 });
  });

  it('then ranking metrics count only answerable questions', () => {
    expect(report.parts.all!.ranking.hybrid.all.questions).toBe(3);
    expect(report.parts.all!.ranking.hybrid.all.recallAt1).toBe(1);
  });
});

describe('given a question set without halves', () => {
  it('then only the whole set is reported', () => {
    const report = summarize('tiny', 10, [outcome({ id: 'a', gold: [1], answered: true })]);
    expect(Object.keys(report.parts)).toEqual(['all']);
  });
});
