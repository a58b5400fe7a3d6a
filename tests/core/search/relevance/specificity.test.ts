import { describe, expect, it } from 'vitest';
import { weighedQuestionWords } from '../../../../src/core/search/lexical.js';
import {
  EVERYDAY_RANK,
  RARE_RANK,
  wordRank,
  wordSpecificity,
} from '../../../../src/core/search/relevance/specificity.js';

const specificityOf = (question: string, word: string) =>
  weighedQuestionWords(question).find((weighed) => weighed.word === word)?.specificity;

describe('given words ranked by general word-frequency lists', () => {
  it('then everyday words weigh nothing, in Chinese and in English', () => {
    for (const word of ['现在', '多少', '中国', 'now', 'better', 'house']) {
      expect(wordRank(word), word).toBeLessThanOrEqual(EVERYDAY_RANK);
      expect(wordSpecificity({ word }), word).toBe(0);
    }
  });

  it('then names, rare terms and numbers weigh fully', () => {
    for (const word of ['杰文斯', 'jevons', 'deepseek', '6000', '17%']) expect(wordSpecificity({ word }), word).toBe(1);
    expect(wordRank('杰文斯')).toBeUndefined();
  });

  it('then words in between weigh by the log of their rank', () => {
    const weather = wordSpecificity({ word: '天气' });
    expect(weather).toBeGreaterThan(0);
    expect(weather).toBeLessThan(1);
    const rank = wordRank('天气')!;
    expect(weather).toBeCloseTo(Math.log(rank / EVERYDAY_RANK) / Math.log(RARE_RANK / EVERYDAY_RANK));
  });
});

describe('given the words of a question', () => {
  it('then function words weigh nothing by their part of speech, however rare (一克, 几倍)', () => {
    expect(specificityOf('金价现在多少钱一克？', '一克')).toBe(0);
    expect(specificityOf('金价现在多少钱一克？', '金价')).toBe(1);
  });

  it('then a compound the dictionary rarely saw whole weighs as the words that make it up', () => {
    expect(specificityOf('美国公司的市场', '美国公司')).toBe(0);
    const weather = specificityOf('今天天气怎么样', '今天天气')!;
    expect(weather).toBeCloseTo(wordSpecificity({ word: '天气' }));
  });

  it('then traditional-Chinese words are weighed as their simplified form', () => {
    expect(weighedQuestionWords('傑文斯悖論')).toEqual(weighedQuestionWords('杰文斯悖论'));
  });
});
