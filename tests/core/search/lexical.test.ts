import { describe, expect, it } from 'vitest';
import { LexicalFormatMismatch, LexicalIndex, lexicalTerms } from '../../../src/core/search/lexical.js';

describe('lexicalTerms', () => {
  describe('given traditional Chinese with Taiwanese vocabulary', () => {
    it('then the terms are simplified, mainland words (輝達→英伟达, 晶片→芯片), with no traditional characters', () => {
      const terms = lexicalTerms('輝達的晶片有什麼優勢嗎？');
      expect(terms).toEqual(expect.arrayContaining(['伟达', '芯片', '优势']));
      expect(terms.join('')).not.toMatch(/[輝達晶麼優勢嗎]/);
      expect(lexicalTerms('輝達的晶片有什麼優勢嗎？')).toEqual(lexicalTerms('英伟达的芯片有什么优势吗？'));
    });
  });

  describe('given question words and particles', () => {
    it('then stop words are removed (什么, 吗, 的, 为什么, English function words)', () => {
      const terms = lexicalTerms('为什么博通的股价会上涨吗？What is the reason?');
      for (const stop of ['什么', '为什么', '吗', '的', 'what', 'is', 'the']) expect(terms).not.toContain(stop);
      expect(terms).toEqual(expect.arrayContaining(['博通', '股价', 'reason']));
    });
  });

  describe('given full-width digits and letters', () => {
    it('then they become ASCII, lower case', () => {
      expect(lexicalTerms('ＤｅｅｐＳｅｅｋ发布后跌了１７％')).toEqual(expect.arrayContaining(['deepseek', '17%']));
    });
  });
});

describe('LexicalIndex', () => {
  const index = LexicalIndex.build([
    '英伟达市值单日蒸发近6000亿美元。',
    '博通股票的上升幅度逾越英伟达。',
    '杰文斯发现煤炭消耗量不减反增。',
  ]);

  describe('given a question whose words are all in one passage', () => {
    it('then that passage covers the question fully and the others do not', () => {
      const [first, second, third] = index.coverage('博通股票');
      expect(second).toBeCloseTo(1, 5);
      expect(first).toBe(0);
      expect(third).toBe(0);
      expect(index.search('博通股票', 3)[0]).toMatchObject({ passage: 1, coverage: expect.closeTo(1, 5) });
    });
  });

  describe('given a question sharing nothing with the passages', () => {
    it('then nothing is found and coverage is zero everywhere', () => {
      expect(index.search('明天北京会下雨吗', 3)).toEqual([]);
      expect(index.coverage('明天北京会下雨吗')).toEqual([0, 0, 0]);
    });
  });

  describe('given a serialized index', () => {
    it('then it round-trips through JSON, and another format version is rejected', () => {
      const copy = LexicalIndex.fromJSON(JSON.parse(JSON.stringify(index.toJSON())));
      expect(copy.search('杰文斯', 3)).toEqual(index.search('杰文斯', 3));
      expect(() => LexicalIndex.fromJSON({ ...index.toJSON(), version: 1 } as never)).toThrow(LexicalFormatMismatch);
      expect(() => LexicalIndex.fromJSON({ ...index.toJSON(), analyzer: 'other' })).toThrow(LexicalFormatMismatch);
      expect(() => LexicalIndex.fromJSON({ version: 2 } as never)).toThrow(/unsupported lexical index format/);
    });
  });
});
