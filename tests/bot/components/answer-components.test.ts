import { describe, expect, it } from 'vitest';
import { answerComponents } from '../../../src/bot/components/answer-components.js';
import type { NextPassage } from '../../../src/core/knowledge-base.js';
import { answer, result } from '../../support/answer-fixtures.js';

const ASKER = '200000000000000001';
const options = { language: 'en' as const, answerId: 'a1b2c3d4e5', askerId: ASKER, ephemeral: false, topics: [] };
const nextOf = (paragraph: number): NextPassage => ({
  passage: result('…', [], { passage: { paragraph, id: `a#${paragraph}` } }).passage,
  score: 0.5,
  evidence: { dense: 0, lexical: 0, gap: 0, score: 0, relevant: false },
});

describe('given an answer quoting ten paragraphs (TOP_K 10)', () => {
  it('then the contexts go into one select menu, and every limit holds: 5 rows of 5, custom_ids of 100', () => {
    const quoted = answer(
      Array.from({ length: 10 }, (_, index) => result(`段落${index}`, [], { passage: { paragraph: index + 1 } })),
    );
    const rows = answerComponents({ ...quoted, next: [nextOf(11)] }, options);
    expect(rows.length).toBeLessThanOrEqual(5);
    for (const row of rows) expect(row.components.length).toBeLessThanOrEqual(5);
    const select = rows.flatMap((row) => row.components).find((component) => component.type === 3);
    expect(select && 'options' in select ? select.options : []).toHaveLength(10);
    for (const component of rows.flatMap((row) => row.components)) {
      expect('custom_id' in component && [...component.custom_id].length <= 100).toBe(true);
    }
  });
});

describe('given a private answer and a public one', () => {
  it('then only the private one has Share', () => {
    const quoted = answer([result('杰文斯')]);
    const labels = (ephemeral: boolean) =>
      answerComponents({ ...quoted, next: [] }, { ...options, ephemeral })
        .flatMap((row) => row.components)
        .map((component) => ('label' in component ? component.label : undefined));
    expect(labels(true)).toContain('Share');
    expect(labels(false)).not.toContain('Share');
    expect(labels(false)).not.toContain('More'); // nothing ranked after the quoted paragraph
  });
});

describe('given a declined answer', () => {
  it('then it offers the closest passage and example questions, topics too long for a custom_id left out', () => {
    const declined = { ...answer([]), next: [nextOf(7)] };
    const rows = answerComponents(declined, { ...options, topics: ['杰文斯', 'x'.repeat(60), 'DeepSeek'] });
    const labels = rows
      .flatMap((row) => row.components)
      .map((component) => ('label' in component ? component.label : ''));
    expect(labels).toEqual([
      'Show the closest passage anyway',
      'What does the article say about 杰文斯?',
      'What does the article say about DeepSeek?',
    ]);
  });
});
