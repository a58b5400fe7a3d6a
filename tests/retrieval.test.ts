import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import {
  decisionMetrics,
  firstGoldRank,
  loadQuestions,
  parseQuestions,
  rankingMetrics,
  recallAt,
  reciprocalRank,
  type EvalQuestion,
} from '../src/core/evaluation.js';
import type { Answer, KnowledgeBase } from '../src/core/knowledge-base.js';
import { LexicalFormatMismatch, LexicalIndex, lexicalTerms } from '../src/core/lexical.js';
import { silentLogger } from '../src/logger.js';
import { openKnowledgeBase } from '../src/setup.js';
import { corpusText } from './support/make-tiny-model.js';
import { createTinyModel } from './support/tiny-model.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CORPUS = path.join(root, 'corpus');
const QUESTIONS = path.join(root, 'tests', 'eval', 'questions.json');

/** Paragraph numbers of an answer's quoted passages, best first. */
const paragraphs = (answer: Answer) => answer.results.map((result) => result.passage.paragraph);

/** The highlighted text of an answer's first passage. */
function highlighted(answer: Answer): string[] {
  const [first] = answer.results;
  return first ? first.highlights.map(({ start, end }) => first.passage.text.slice(start, end)) : [];
}

describe('retrieval over the article with the tiny test model', () => {
  let temporary: string;
  let knowledgeBase: KnowledgeBase;

  beforeAll(async () => {
    temporary = await mkdtemp(path.join(os.tmpdir(), 'retrieval-'));
    const model = await createTinyModel(path.join(temporary, 'model'), { vocabularyText: await corpusText(CORPUS) });
    const config = parseConfig({ EMBEDDING_MODEL: model, INDEX_DIR: path.join(temporary, 'index'), CORPUS_PATH: CORPUS });
    knowledgeBase = await openKnowledgeBase(config, silentLogger);
  });

  afterAll(async () => {
    await knowledgeBase?.close();
    if (temporary) await rm(temporary, { recursive: true, force: true });
  });

  describe('given a question in traditional Chinese, with Taiwanese vocabulary', () => {
    it('then it is answered by the paragraph about how Wall Street analysts learn about the industry (17)', async () => {
      const answer = await knowledgeBase.ask('華爾街分析師是怎麼掌握產業狀況的？');
      expect(answer.answered).toBe(true);
      expect(paragraphs(answer)[0]).toBe(17);
    });

    it('then it ranks exactly like the same question in simplified Chinese (輝達→英伟达, 晶片→芯片)', async () => {
      const traditional = await knowledgeBase.rank('輝達的晶片在推理方面有什麼優勢？', { mode: 'hybrid', k: 5 });
      const simplified = await knowledgeBase.rank('英伟达的芯片在推理方面有什么优势？', { mode: 'hybrid', k: 5 });
      expect(traditional.map((entry) => entry.passage.paragraph)).toEqual(simplified.map((entry) => entry.passage.paragraph));
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

  describe('given an off-topic question', () => {
    // 今天天气怎么样: the article says 「股市震荡的今天」, but "today" in a question is the asker's day.
    it.each(['明天北京会下雨吗？', '牛肉麵要怎麼煮？', 'Who won the last football World Cup?', '今天天气怎么样?', 'What is the weather today?'])(
      'then "%s" is declined: answered false, no results',
      async (question) => {
        const answer = await knowledgeBase.ask(question);
        expect(answer.answered).toBe(false);
        expect(answer.results).toEqual([]);
        expect(answer.bestScore).toBeLessThan(answer.threshold);
        expect(answer.bestCoverage).toBeLessThan(answer.coverageThreshold);
      },
    );
  });

  describe('given the evaluation question set', () => {
    let questions: EvalQuestion[];
    beforeAll(async () => {
      questions = await loadQuestions(QUESTIONS);
    });

    it('then it has at least 48 questions in the three languages, with off-topic and near-topic unanswerable ones', () => {
      expect(questions.length).toBeGreaterThanOrEqual(48);
      for (const lang of ['zh-Hans', 'zh-Hant', 'en'] as const) expect(questions.filter((question) => question.lang === lang).length).toBeGreaterThanOrEqual(8);
      expect(questions.filter((question) => question.scope === 'off-topic').length).toBeGreaterThanOrEqual(6);
      expect(questions.filter((question) => question.scope === 'near-topic').length).toBeGreaterThanOrEqual(2);
      const paragraphCount = knowledgeBase.manifest.passages.length;
      for (const question of questions) for (const gold of question.gold) expect(gold).toBeLessThanOrEqual(paragraphCount);
    });

    it('then hybrid puts a gold paragraph in the top 3 for at least 95% of the Chinese questions', async () => {
      const chinese = questions.filter((question) => question.lang !== 'en' && question.gold.length > 0);
      const items = [];
      for (const question of chinese) {
        const ranking = await knowledgeBase.rank(question.question, { mode: 'hybrid', k: 3 });
        items.push({ ranking: ranking.map((entry) => entry.passage.paragraph), gold: question.gold });
      }
      const metrics = rankingMetrics(items);
      expect(metrics.questions).toBe(chinese.length);
      expect(metrics.recallAt3).toBeGreaterThanOrEqual(0.95);
    });

    it('then every off-topic question is declined', async () => {
      for (const question of questions.filter((candidate) => candidate.scope === 'off-topic')) {
        expect((await knowledgeBase.ask(question.question)).answered, question.question).toBe(false);
      }
    });
  });
});

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
  const index = LexicalIndex.build(['英伟达市值单日蒸发近6000亿美元。', '博通股票的上升幅度逾越英伟达。', '杰文斯发现煤炭消耗量不减反增。']);

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

    it('then the decline rate counts unanswerable questions declined and the false-decline rate answerable ones declined', () => {
      const decision = decisionMetrics([
        { answered: false, gold: [] },
        { answered: true, gold: [] },
        { answered: true, gold: [1] },
        { answered: false, gold: [2] },
        { answered: true, gold: [3] },
        { answered: true, gold: [4] },
      ]);
      expect(decision).toEqual({
        unanswerable: 2,
        declined: 1,
        declineRate: 0.5,
        answerable: 4,
        falselyDeclined: 1,
        falseDeclineRate: 0.25,
      });
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
