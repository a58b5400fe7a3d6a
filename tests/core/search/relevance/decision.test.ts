import { describe, expect, it } from 'vitest';
import type { WeighedWord } from '../../../../src/core/search/lexical.js';
import {
  ABSENT_CONTENT_WEIGHT,
  denseEvidence,
  LEXICAL_SUFFICIENCY,
  lexicalEvidence,
  questionGap,
  countsTowardsGap,
  type Script,
  scriptsOf,
  weighEvidence,
} from '../../../../src/core/search/relevance/decision.js';

const word = (text: string, specificity: number, content = true): WeighedWord => ({
  word: text,
  specificity,
  content,
  noun: content,
  parts: [],
});
const bar = { bar: 0.83, spread: 0.03 };
const han = new Set(['han'] as const);

describe('given dense evidence', () => {
  it('then a cosine at the bar is worth 1, at the off-topic median 0, and a weak one is no evidence rather than counter-evidence', () => {
    expect(denseEvidence(0.83, bar)).toBeCloseTo(1);
    expect(denseEvidence(0.8, bar)).toBeCloseTo(0);
    expect(denseEvidence(0.5, bar)).toBe(0);
    expect(denseEvidence(0.89, bar)).toBeCloseTo(3);
    expect(denseEvidence(null, bar)).toBe(0);
  });

  it('then dense evidence at the bar is enough on its own', () => {
    expect(weighEvidence(1, 0, 0).relevant).toBe(true);
    expect(weighEvidence(0.99, 0, 0).relevant).toBe(false);
  });
});

describe('given lexical evidence', () => {
  it('then a passage holding only the everyday words of a question holds no evidence', () => {
    const words = [word('现在', 0), word('多少', 0, false), word('金价', 1)];
    expect(lexicalEvidence(words, [1, 1, 0])).toBe(0);
    expect(weighEvidence(0, lexicalEvidence(words, [1, 1, 0]), 0).relevant).toBe(false);
  });

  it('then a name found verbatim is enough on its own', () => {
    const words = [word('杰文斯', 1)];
    expect(lexicalEvidence(words, [1])).toBe(1);
    expect(weighEvidence(0, 1, 0).relevant).toBe(true);
    expect(LEXICAL_SUFFICIENCY).toBeLessThanOrEqual(1);
  });

  it('then an absent content word counts against the passage however everyday it is', () => {
    const words = [word('扎克伯格', 1), word('孩子', 0)];
    expect(lexicalEvidence(words, [1, 0])).toBeCloseTo(1 / (1 + ABSENT_CONTENT_WEIGHT));
  });

  it('then a lone barely-specific word is not a specific word’s worth of evidence', () => {
    expect(lexicalEvidence([word('关注', 0.2)], [1])).toBeCloseTo(0.2);
  });
});

describe('given words the whole article lacks', () => {
  it('then the gap counts them only in the scripts the article is written in', () => {
    const words = [word('金价', 1), word('gold', 1), word('现在', 0, false)];
    const countedIn = (scripts: ReadonlySet<Script>) => words.map((entry) => countsTowardsGap(entry.word, scripts));
    expect(countedIn(han)).toEqual([true, false, true]);
    expect(questionGap(words, [0, 0, 1], countedIn(han))).toBeCloseTo(1 / 2);
    expect(questionGap(words, [0, 0, 1], countedIn(new Set(['han', 'latin'] as const)))).toBeCloseTo(1);
  });

  it('then the gap raises the bar for dense evidence too', () => {
    expect(weighEvidence(1.2, 0, 0.5).relevant).toBe(false);
    expect(weighEvidence(1.2, 0, 0).relevant).toBe(true);
  });

  it('then the scripts of an article are those that make up a fifth of its letters', () => {
    expect([
      ...scriptsOf([
        '英伟达市值单日跌幅达17%,市值蒸发近6000亿美元,这一跌幅创下美股史上一个公司最大单日跌幅纪录。据 Dan Ives 所说',
      ]),
    ]).toEqual(['han']);
    expect([...scriptsOf(['Nvidia lost 17% in a day', '英伟达市值单日蒸发'])].sort()).toEqual(['han', 'latin']);
  });
});
