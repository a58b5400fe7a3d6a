import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../../../src/core/knowledge-base.js';
import type { Dictionary } from '../../../../src/core/search/meaning/dictionary.js';
import { silentLogger } from '../../../../src/logger.js';
import { knowledgeBaseOptions } from '../../../../src/startup/open-knowledge-base.js';
import { openArticleKnowledgeBase, type ArticleKnowledgeBase } from '../../../support/article-knowledge-base.js';

/** A dictionary that knows every word but links none: what the article has without meanings. */
const knowsButLinksNothing: Dictionary = {
  synonyms: () => [],
  translations: () => [],
  knows: () => true,
  close: () => undefined,
};

describe('the three outcomes over the article, with the tiny test model and CC-CEDICT', () => {
  let opened: ArticleKnowledgeBase | undefined;
  let knowledgeBase: KnowledgeBase;
  let withoutMeanings: KnowledgeBase;

  beforeAll(async () => {
    opened = await openArticleKnowledgeBase('outcomes-');
    knowledgeBase = opened.knowledgeBase;
    // The same index and model, with a dictionary that links nothing (closed with the first: it shares its model).
    withoutMeanings = await KnowledgeBase.open({
      ...knowledgeBaseOptions(opened.config, knowledgeBase.embedder, silentLogger),
      dictionary: knowsButLinksNothing,
    });
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
  });

  describe('given a paraphrase whose only word the article lacks has a synonym there', () => {
    // The article's machine rewording writes 剖析师 for 分析师: 分析 and 剖析 share the gloss "to analyze".
    const question = '那位分析师周末给多少家公司打了电话？';

    it('then it is answered, from the paragraph that says so', async () => {
      const answer = await knowledgeBase.ask(question);
      expect(answer.outcome).toBe('answered');
      expect(answer.missing).toEqual([]);
      expect(answer.results.map((result) => result.passage.paragraph)).toContain(14);
    });

    it('then without the dictionary’s link the same question names the word as missing', async () => {
      const answer = await withoutMeanings.ask(question);
      expect(answer.outcome).toBe('partial');
      expect(answer.missing).toEqual(['分析师']);
    });
  });

  describe('given a question about something the article mentions, asking what it never says', () => {
    it.each([
      ['DeepSeek的创始人是谁？', ['创始人'], 'DeepSeek'],
      ['DeepSeek的創始人是誰？', ['創始人'], 'DeepSeek'],
      ['扎克伯格的妻子叫什么名字？', ['妻子'], undefined],
    ])(
      'then "%s" is answered partly, naming %j, in the question’s own spelling',
      async (question, missing, covered) => {
        const answer = await knowledgeBase.ask(question);
        expect(answer.outcome).toBe('partial');
        expect(answer.answered).toBe(false);
        expect(answer.missing).toEqual(expect.arrayContaining(missing));
        if (covered) expect(answer.covered).toContain(covered);
        expect(answer.results.length).toBeGreaterThan(0);
      },
    );
  });

  describe('given a question that shares only everyday words with the article', () => {
    it.each(['今天天气怎么样？', '现在几点了？', 'Is now a good time to buy a house?'])(
      'then "%s" is declined, quoting nothing',
      async (question) => {
        const answer = await knowledgeBase.ask(question, { more: 1 });
        expect(answer.outcome).toBe('declined');
        expect(answer.results).toEqual([]);
        expect(answer.missing).toEqual([]);
        expect(answer.next).toHaveLength(1); // the closest passage, offered as such
      },
    );
  });

  describe('given an English question about the Chinese article', () => {
    it('then it is answered through translations: paradox → 悖论, where the article explains the paradox', async () => {
      const answer = await knowledgeBase.ask('What is the Jevons paradox?');
      expect(answer.outcome).toBe('answered');
      expect(answer.results.map((result) => result.passage.paragraph)).toContain(21);
      // Without translations the article has none of its words: it cannot be answered on words.
      expect((await withoutMeanings.ask('What is the Jevons paradox?')).outcome).not.toBe('answered');
    });

    it('then a verb is found in its other forms: announce → 宣布 (Zuckerberg announced on Facebook)', async () => {
      const answer = await knowledgeBase.ask('What did Zuckerberg announce on Facebook?');
      expect(answer.outcome).toBe('answered');
      expect(answer.results[0]!.passage.paragraph).toBe(12);
    });
  });
});
