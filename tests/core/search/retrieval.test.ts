import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rankingMetrics } from '../../../src/core/evaluation/metrics.js';
import { DEFAULT_QUESTIONS_FILE, loadQuestions, type EvalQuestion } from '../../../src/core/evaluation/questions.js';
import type { Answer, KnowledgeBase } from '../../../src/core/knowledge-base.js';
import { LEXICAL_SUFFICIENCY } from '../../../src/core/search/relevance/decision.js';
import { openArticleKnowledgeBase, type ArticleKnowledgeBase } from '../../support/article-knowledge-base.js';
const QUESTIONS = DEFAULT_QUESTIONS_FILE;

/** Paragraph numbers of an answer's quoted passages, best first. */
const paragraphs = (answer: Answer) => answer.results.map((result) => result.passage.paragraph);

/** The highlighted text of an answer's first passage. */
function highlighted(answer: Answer): string[] {
  const [first] = answer.results;
  return first ? first.highlights.map(({ start, end }) => first.passage.text.slice(start, end)) : [];
}

describe('retrieval over the article with the tiny test model', () => {
  let opened: ArticleKnowledgeBase | undefined;
  let knowledgeBase: KnowledgeBase;

  beforeAll(async () => {
    opened = await openArticleKnowledgeBase('retrieval-');
    knowledgeBase = opened.knowledgeBase;
  });

  afterAll(async () => {
    await opened?.close();
  });

  describe('given a question in traditional Chinese, with Taiwanese vocabulary', () => {
    it('then it ranks first the paragraph about how Wall Street analysts learn about the industry (17)', async () => {
      // Whether it is also quoted is the decision rule's business, and with the tiny model it is not: the
      // article says 剖析师 and 行业 where the question says 分析師 and 產業, which only a real model's dense
      // evidence can vouch for (docs/retrieval.md).
      const ranked = await knowledgeBase.rank('華爾街分析師是怎麼掌握產業狀況的？', { mode: 'hybrid', k: 3 });
      expect(ranked[0]!.passage.paragraph).toBe(17);
    });

    it('then it ranks exactly like the same question in simplified Chinese (輝達→英伟达, 晶片→芯片)', async () => {
      const traditional = await knowledgeBase.rank('輝達的晶片在推理方面有什麼優勢？', { mode: 'hybrid', k: 5 });
      const simplified = await knowledgeBase.rank('英伟达的芯片在推理方面有什么优势？', { mode: 'hybrid', k: 5 });
      expect(traditional.map((entry) => entry.passage.paragraph)).toEqual(
        simplified.map((entry) => entry.passage.paragraph),
      );
      expect([22, 23, 25]).toContain(traditional[0]!.passage.paragraph);
    });
  });

  describe('given a question that is only a name', () => {
    it('then 杰文斯 is answered first by the paragraph that introduces Jevons (9)', async () => {
      const answer = await knowledgeBase.ask('杰文斯');
      expect(paragraphs(answer)[0]).toBe(9);
    });

    it('then Dan Ives is answered first by the paragraph about his phone calls (14)', async () => {
      expect(paragraphs(await knowledgeBase.ask('Dan Ives'))[0]).toBe(14);
    });
  });

  describe('given a question that is only a number', () => {
    it('then 600万美元 is answered first by the paragraph about DeepSeek training cost (8), with that sentence highlighted', async () => {
      const answer = await knowledgeBase.ask('600万美元');
      expect(paragraphs(answer)[0]).toBe(8);
      expect(highlighted(answer).join('')).toContain('600万美元');
    });

    it('then 17% is answered by the paragraphs that report the 17% drop, with a sentence containing 17% highlighted', async () => {
      const answer = await knowledgeBase.ask('17%');
      expect(paragraphs(answer)[0]).toBe(1);
      expect(paragraphs(answer)).toEqual(expect.arrayContaining([1, 6, 20]));
      const marked = highlighted(answer);
      expect(marked.length).toBeGreaterThan(0);
      for (const sentence of marked) expect(sentence).toContain('17%');
    });

    it('then 6000亿 is answered first by paragraph 1, quoting only paragraphs that contain it', async () => {
      const answer = await knowledgeBase.ask('6000亿');
      expect(paragraphs(answer)).toEqual([1]);
      expect(highlighted(answer).join('')).toContain('6000亿');
    });
  });

  describe('given the question "how much market value did Nvidia lose in a day"', () => {
    it('then hybrid ranks paragraph 1 first although the dense ranking alone does not', async () => {
      const hybrid = await knowledgeBase.rank('英伟达市值一天蒸发了多少?', { mode: 'hybrid', k: 3 });
      expect(hybrid[0]!.passage.paragraph).toBe(1);
      const answer = await knowledgeBase.ask('英伟达市值一天蒸发了多少?');
      expect(paragraphs(answer)[0]).toBe(1);
      expect(highlighted(answer).join('')).toContain('6000亿');
    });
  });

  describe('given a question that shares only everyday words with the article', () => {
    // 中国, 市场, 多少钱, 比较 and 今天 all occur in the article; none says what it is about.
    it.each(['中国市场现在怎么样？', '今天多少钱比较好？'])(
      'then "%s" is declined: its words are no evidence',
      async (question) => {
        const answer = await knowledgeBase.ask(question);
        expect(answer.answered).toBe(false);
        expect(answer.best.lexical).toBe(0);
      },
    );
  });

  describe('given a name or a number found verbatim, in a question the article does not otherwise share', () => {
    it.each([
      ['What does Dan Ives do?', 14],
      ['杰文斯是谁？', 9],
      ['600万美元是怎么回事', 8],
    ])('then "%s" is answered from paragraph %i on lexical evidence alone', async (question, paragraph) => {
      const answer = await knowledgeBase.ask(question);
      expect(answer.answered).toBe(true);
      const quoted = answer.results.find((result) => result.passage.paragraph === paragraph);
      // Enough on its own: lexical / LEXICAL_SUFFICIENCY reaches the bar of 1 whatever the dense evidence.
      expect(quoted?.evidence.lexical).toBeGreaterThanOrEqual(LEXICAL_SUFFICIENCY);
    });
  });

  describe('given an off-topic question', () => {
    // 今天天气怎么样: the article says 「股市震荡的今天」, but "today" in a question is the asker's day.
    it.each([
      '明天北京会下雨吗？',
      '牛肉麵要怎麼煮？',
      'Who won the last football World Cup?',
      '今天天气怎么样?',
      'What is the weather today?',
    ])('then "%s" is declined: answered false, no results', async (question) => {
      const answer = await knowledgeBase.ask(question);
      expect(answer.answered).toBe(false);
      expect(answer.results).toEqual([]);
      expect(answer.best.score).toBeLessThan(1);
      expect(answer.best.relevant).toBe(false);
    });
  });

  describe('given the evaluation question set', () => {
    let questions: EvalQuestion[];
    beforeAll(async () => {
      questions = await loadQuestions(QUESTIONS);
    });

    it('then it has at least 48 questions in the three languages, with off-topic and near-topic unanswerable ones', () => {
      expect(questions.length).toBeGreaterThanOrEqual(48);
      for (const lang of ['zh-Hans', 'zh-Hant', 'en'] as const)
        expect(questions.filter((question) => question.lang === lang).length).toBeGreaterThanOrEqual(8);
      expect(questions.filter((question) => question.scope === 'off-topic').length).toBeGreaterThanOrEqual(6);
      expect(questions.filter((question) => question.scope === 'near-topic').length).toBeGreaterThanOrEqual(2);
      const paragraphCount = knowledgeBase.manifest.passages.length;
      for (const question of questions)
        for (const gold of question.gold) expect(gold).toBeLessThanOrEqual(paragraphCount);
    });

    // The set holds 30 paraphrases written in words the article does not use (its machine rewording): the
    // ranking finds most of them by their other words, not all (docs/retrieval.md has the figures).
    it('then hybrid puts a gold paragraph in the top 3 for at least 90% of the Chinese questions', async () => {
      const chinese = questions.filter((question) => question.lang !== 'en' && question.gold.length > 0);
      const items = [];
      for (const question of chinese) {
        const ranking = await knowledgeBase.rank(question.question, { mode: 'hybrid', k: 3 });
        items.push({ ranking: ranking.map((entry) => entry.passage.paragraph), gold: question.gold });
      }
      const metrics = rankingMetrics(items);
      expect(metrics.questions).toBe(chinese.length);
      expect(metrics.recallAt3).toBeGreaterThanOrEqual(0.9);
    });

    it('then at least 90% of the off-topic questions are declined, though many share everyday words with the article', async () => {
      const offTopic = questions.filter((candidate) => candidate.scope === 'off-topic');
      const answered: string[] = [];
      for (const question of offTopic)
        if ((await knowledgeBase.ask(question.question)).answered) answered.push(question.question);
      expect(answered.length, `answered: ${answered.join(' / ')}`).toBeLessThanOrEqual(
        Math.floor(offTopic.length * 0.1),
      );
    });

    it('then the set is split into a tuning half and a held-out half, alike in languages and kinds of question', () => {
      for (const lang of ['zh-Hans', 'zh-Hant', 'en'] as const) {
        for (const scope of ['answerable', 'off-topic', 'near-topic'] as const) {
          const group = questions.filter(
            (question) => question.lang === lang && (question.scope ?? 'answerable') === scope,
          );
          const tuning = group.filter((question) => question.split === 'tuning').length;
          expect(group.every((question) => question.split !== undefined)).toBe(true);
          expect(Math.abs(tuning - (group.length - tuning)), `${lang} ${scope}`).toBeLessThanOrEqual(1);
        }
      }
    });
  });
});
