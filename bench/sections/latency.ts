import { performance } from 'node:perf_hooks';
import type { Language } from '../../src/bot/i18n.js';
import { formatAnswer } from '../../src/bot/answer-format.js';
import type { Answer } from '../../src/core/knowledge-base.js';
import { CedictDictionary } from '../../src/core/search/meaning/dictionary.js';
import { highlightSentences } from '../../src/core/search/retrieval.js';
import { questionAt, type BenchContext } from '../lib/context.js';
import { verdict, type Section, type SectionResult } from '../lib/section.js';
import { median, percentile, summarize } from '../lib/stats.js';
import { met, ms, ratio, type Table } from '../lib/table.js';

const TARGET_RATIO = 1.1;

const FIGURES = [
  'questions',
  'tokensP50',
  'forwardP50',
  'endToEndP50',
  'tokenizeP50',
  'messagingP50',
  'lexicalP50',
  'formatP50',
  'dictionaryP50',
  'dictionaryP99',
  'dictionaryTarget',
  'dictionaryVerdict',
  /** tokenise + messaging + lexical search + formatting (p50 each), as a share of the forward pass (p50). */
  'fixedShare',
  'ratioP50',
  'ratioTarget',
  'ratioVerdict',
] as const;
type Figure = (typeof FIGURES)[number];

interface QuestionTiming {
  question: string;
  tokens: number;
  tokenizeMs: number;
  forwardMs: number;
  poolMs: number;
  messagingMs: number;
  vectorSearchMs: number;
  lexicalSearchMs: number;
  /** Looking meanings up in the dictionary (CC-CEDICT on disk): synonyms, translations, whether it knows a word. */
  dictionaryMs: number;
  /** ask() time not in the embedding call or either search: fusion, highlights, question normalisation, the batcher's hop. */
  fusionHighlightMs: number;
  /** highlightSentences for the answer's passages, timed again on its own (not part of the end-to-end). */
  highlightOnlyMs: number;
  askMs: number;
  formatMs: number;
  endToEndMs: number;
}

/** The dictionary's look-ups may add at most this much to a question, at p99. */
const DICTIONARY_TARGET_MS = 1;

/** Times every call of `method` on any instance of a class (through its prototype) into `sink`. */
function instrumentPrototype<T extends object>(prototype: T, method: keyof T, sink: (ms: number) => void): void {
  const original = prototype[method] as (...args: unknown[]) => unknown;
  Object.defineProperty(prototype, method, {
    configurable: true,
    value: function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        sink(performance.now() - started);
      }
    },
  });
}

/** Times `method` of `target` into `sink` on every call, leaving its behaviour alone. */
function instrument<T extends object, K extends keyof T>(target: T, method: K, sink: (ms: number) => void): void {
  const original = (target[method] as (...args: unknown[]) => unknown).bind(target);
  // defineProperty, not assignment: hnswlib's native methods are read-only on its prototype.
  Object.defineProperty(target, method, {
    configurable: true,
    value: (...args: unknown[]) => {
      const started = performance.now();
      try {
        return original(...args);
      } finally {
        sink(performance.now() - started);
      }
    },
  });
}

export const latencySection: Section<Figure> = {
  name: 'latency',
  title: 'Answer latency for single questions',
  figureNames: FIGURES,
  async run(context: BenchContext): Promise<SectionResult<Figure>> {
    const { embedder } = await context.embedder();
    const knowledgeBase = await context.openKnowledgeBase();
    const sections = knowledgeBase.manifest.corpus.documents.flatMap((document) => document.sections);
    const languages = new Map<string, Language>();
    for (const entry of context.questionSet) languages.set(entry.question, entry.lang);

    let vectorSearchMs = 0;
    let lexicalSearchMs = 0;
    let dictionaryMs = 0;
    for (const method of ['synonyms', 'translations', 'knows'] as const)
      instrumentPrototype(CedictDictionary.prototype, method, (elapsed) => (dictionaryMs += elapsed));
    instrument(knowledgeBase.snapshot.vectors, 'searchKnn', (elapsed) => (vectorSearchMs += elapsed));
    instrument(knowledgeBase.snapshot.lexical, 'search', (elapsed) => (lexicalSearchMs += elapsed));

    const answerOne = async (question: string): Promise<QuestionTiming> => {
      embedder.reset();
      vectorSearchMs = 0;
      lexicalSearchMs = 0;
      dictionaryMs = 0;
      const started = performance.now();
      const answer: Answer = await knowledgeBase.ask(question);
      const asked = performance.now();
      const reply = formatAnswer(answer, {
        language: languages.get(question) ?? 'zh-Hans',
        sections,
        echoQuestion: true,
      });
      const formatted = performance.now();
      if (reply.embeds.length === 0) throw new Error('the reply has no embeds');
      const highlightStarted = performance.now();
      for (const result of answer.results)
        highlightSentences(result.passage.text, question, (term) => knowledgeBase.snapshot.lexical.termWeight(term));
      const highlightOnlyMs = performance.now() - highlightStarted;

      const [call] = embedder.calls;
      if (!call || embedder.calls.length !== 1)
        throw new Error(`expected one embedding call per question, saw ${embedder.calls.length}`);
      const { timings } = call;
      const askMs = asked - started;
      return {
        question,
        tokens: timings.tokens,
        tokenizeMs: timings.tokenizeMs,
        forwardMs: timings.forwardMs,
        poolMs: timings.poolMs,
        messagingMs: timings.totalMs - timings.tokenizeMs - timings.forwardMs - timings.poolMs,
        vectorSearchMs,
        lexicalSearchMs,
        dictionaryMs,
        fusionHighlightMs: askMs - timings.totalMs - vectorSearchMs - lexicalSearchMs - dictionaryMs,
        highlightOnlyMs,
        askMs,
        formatMs: formatted - asked,
        endToEndMs: formatted - started,
      };
    };

    const warmUp = context.quick ? 5 : 15;
    const measured = context.quick ? 12 : 62;
    // Warm-up questions are worded apart from the measured ones, so no cache of the code under test has seen those.
    for (let index = 0; index < warmUp; index++) await answerOne(`${questionAt(context, index)}（热身 ${index}）`);
    const timings: QuestionTiming[] = [];
    for (let index = 0; index < measured; index++) timings.push(await answerOne(questionAt(context, index)));

    const column = (key: keyof Omit<QuestionTiming, 'question'>) => timings.map((timing) => timing[key]);
    const perQuestionRatio = timings.map((timing) => timing.endToEndMs / timing.forwardMs);
    const ratioMedian = median(perQuestionRatio);
    const forwardP50 = median(column('forwardMs'));
    const endToEndP50 = median(column('endToEndMs'));
    const rows: [string, keyof Omit<QuestionTiming, 'question'>][] = [
      ['tokenise (model process)', 'tokenizeMs'],
      ['model forward (model process)', 'forwardMs'],
      ['mean pooling + normalise (model process)', 'poolMs'],
      ['messaging to the model process', 'messagingMs'],
      ['vector search (hnswlib)', 'vectorSearchMs'],
      ['lexical search (BM25 + coverage)', 'lexicalSearchMs'],
      ['dictionary look-ups (CC-CEDICT on disk)', 'dictionaryMs'],
      ['fusion + highlight (+ normalising the question)', 'fusionHighlightMs'],
      ['  of which highlight (timed on its own)', 'highlightOnlyMs'],
      ['formatting the Discord reply', 'formatMs'],
      ['KnowledgeBase.ask', 'askMs'],
      ['end-to-end (ask + formatting)', 'endToEndMs'],
    ];
    const table: Table = {
      title: `Answer latency: ${measured} questions, one at a time, after ${warmUp} warm-up (article: ${knowledgeBase.manifest.passages.length} paragraphs, ${knowledgeBase.manifest.windows.length} windows, top 3 quoted)`,
      columns: ['step', 'p50', 'p95', 'share of end-to-end (p50)'],
      rows: [
        ...rows.map(([label, key]) => {
          const values = column(key);
          return [
            label,
            ms(median(values)),
            ms(percentile(values, 95)),
            `${((100 * median(values)) / endToEndP50).toFixed(1)}%`,
          ];
        }),
        [
          'end-to-end ÷ model forward (per question)',
          ratio(ratioMedian),
          ratio(percentile(perQuestionRatio, 95)),
          `target ≤ ${TARGET_RATIO.toFixed(2)}: ${met(ratioMedian <= TARGET_RATIO)}`,
        ],
      ],
      notes: [
        `dictionary look-ups per question: p99 ${ms(percentile(column('dictionaryMs'), 99))} ` +
          `(target ≤ ${ms(DICTIONARY_TARGET_MS)}: ${met(percentile(column('dictionaryMs'), 99) <= DICTIONARY_TARGET_MS)}); ` +
          'the words of each question that the article lacks are looked up, and recent look-ups are remembered.',
        `tokens per question: median ${median(column('tokens')).toFixed(0)}, p95 ${percentile(column('tokens'), 95).toFixed(0)} (with the "query: " prefix and <s></s>); ` +
          `each question is answered with the top 3 paragraphs, highlighted (the relevance bar is set to 0).`,
      ],
    };
    const p50 = (key: keyof Omit<QuestionTiming, 'question'>) => median(column(key));
    const fixed = p50('tokenizeMs') + p50('messagingMs') + p50('lexicalSearchMs') + p50('formatMs');
    return {
      tables: [table],
      figures: {
        questions: String(measured),
        tokensP50: p50('tokens').toFixed(0),
        forwardP50: ms(forwardP50),
        endToEndP50: ms(endToEndP50),
        tokenizeP50: ms(p50('tokenizeMs')),
        messagingP50: ms(p50('messagingMs')),
        lexicalP50: ms(p50('lexicalSearchMs')),
        formatP50: ms(p50('formatMs')),
        dictionaryP50: ms(p50('dictionaryMs')),
        dictionaryP99: ms(percentile(column('dictionaryMs'), 99)),
        dictionaryTarget: `≤ ${ms(DICTIONARY_TARGET_MS)}`,
        dictionaryVerdict: verdict(percentile(column('dictionaryMs'), 99) <= DICTIONARY_TARGET_MS),
        fixedShare: `${((100 * fixed) / forwardP50).toFixed(0)}%`,
        ratioP50: ratio(ratioMedian),
        ratioTarget: `≤ ${TARGET_RATIO.toFixed(2)}`,
        ratioVerdict: verdict(ratioMedian <= TARGET_RATIO),
      },
      targets: [
        {
          section: 'latency',
          name: 'dictionary look-ups per question (p99)',
          target: `≤ ${ms(DICTIONARY_TARGET_MS)}`,
          value: ms(percentile(column('dictionaryMs'), 99)),
          met: percentile(column('dictionaryMs'), 99) <= DICTIONARY_TARGET_MS,
        },
        {
          section: 'latency',
          name: 'end-to-end ÷ model forward (p50 of per-question ratios)',
          target: `≤ ${TARGET_RATIO.toFixed(2)}`,
          value: ratio(ratioMedian),
          met: ratioMedian <= TARGET_RATIO,
        },
      ],
      data: {
        questions: measured,
        warmUp,
        passages: knowledgeBase.manifest.passages.length,
        windows: knowledgeBase.manifest.windows.length,
        steps: Object.fromEntries(rows.map(([, key]) => [key, summarize(column(key))])),
        endToEndOverForward: {
          p50: ratioMedian,
          p95: percentile(perQuestionRatio, 95),
          ofMedians: endToEndP50 / forwardP50,
        },
        perQuestion: timings,
      },
    };
  },
};
