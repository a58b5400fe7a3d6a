import { performance } from 'node:perf_hooks';
import { askChoices } from '../../src/bot/suggestion-choices.js';
import { articleTopics } from '../../src/core/suggestions.js';
import type { BenchContext } from '../lib/context.js';
import { verdict, type Section, type SectionResult } from '../lib/section.js';
import { percentile } from '../lib/stats.js';
import { met, ms } from '../lib/table.js';

const TARGET_P99_MS = 50;

const FIGURES = ['inputs', 'p50', 'p99', 'max', 'firstMs', 'target', 'targetVerdict'] as const;
type Figure = (typeof FIGURES)[number];

/**
 * `/ask` autocomplete as Discord sends it: every prefix of every question of
 * the evaluation set, typed one character at a time, answered from memory.
 * The first call after the index is loaded (finding the article's topics) is
 * reported on its own: the bot does it at start-up.
 */
export const autocompleteSection: Section<Figure> = {
  name: 'autocomplete',
  title: 'Autocomplete on /ask',
  figureNames: FIGURES,

  async run(context: BenchContext): Promise<SectionResult<Figure>> {
    const knowledgeBase = await context.openKnowledgeBase();
    const { manifest } = knowledgeBase;
    const firstStarted = performance.now();
    articleTopics(manifest, 1);
    const firstMs = performance.now() - firstStarted;

    const inputs = context.questionSet.flatMap(({ question }) =>
      Array.from({ length: [...question].length + 1 }, (_, length) => [...question].slice(0, length).join('')),
    );
    const rounds = context.quick ? 1 : 3;
    const timings: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const [index, typed] of inputs.entries()) {
        const language = context.questionSet[index % context.questionSet.length]!.lang;
        const started = performance.now();
        askChoices(manifest, typed, language, context.config.limits.maxQuestionLength);
        timings.push(performance.now() - started);
      }
    }
    const sorted = [...timings].sort((left, right) => left - right);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    const ok = p99 < TARGET_P99_MS;
    return {
      tables: [
        {
          title: `Autocomplete on /ask: ${inputs.length.toLocaleString('en-US')} typed prefixes × ${rounds}, from memory`,
          columns: ['measure', 'p50', 'p99', 'max', 'first call after loading the index'],
          rows: [['askChoices', ms(p50), ms(p99), ms(sorted.at(-1)!), ms(firstMs)]],
        },
      ],
      targets: [
        {
          section: 'autocomplete',
          name: 'autocomplete p99',
          target: `< ${TARGET_P99_MS} ms`,
          value: ms(p99),
          met: ok,
        },
      ],
      figures: {
        inputs: inputs.length.toLocaleString('en-US'),
        p50: ms(p50),
        p99: ms(p99),
        max: ms(sorted.at(-1)!),
        firstMs: ms(firstMs),
        target: `< ${TARGET_P99_MS} ms`,
        targetVerdict: verdict(ok),
      },
      data: { inputs: inputs.length, rounds, p50Ms: p50, p99Ms: p99, maxMs: sorted.at(-1), firstMs, met: met(ok) },
    };
  },
};
