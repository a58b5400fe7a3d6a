import { performance } from 'node:perf_hooks';
import type { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { questionAt, type BenchContext } from '../lib/context.js';
import { verdict, type Section, type SectionResult } from '../lib/section.js';
import { median, percentile, withEventLoopDelay } from '../lib/stats.js';
import { count, met, ms, ratio, type Table } from '../lib/table.js';

const BURST = 64;
const TARGET_THROUGHPUT_RATIO = 2;
const TARGET_EVENT_LOOP_P99_MS = 50;

const FIGURES = [
  'size',
  'rounds',
  'batchSize',
  'embedCallsOn',
  'embedCallsOff',
  'throughputRatio',
  'throughputTarget',
  'throughputVerdict',
  /** The model process's own time for a burst, batching on ÷ off. */
  'modelTimeRatio',
  'eventLoopOn',
  'eventLoopOff',
  'eventLoopTarget',
  'eventLoopVerdict',
] as const;
type Figure = (typeof FIGURES)[number];

interface BurstRun {
  batching: boolean;
  wallMs: number;
  questionsPerSecond: number;
  /** Time from the burst's start to each answer. */
  answerMs: { p50: number; p95: number; max: number };
  eventLoopDelay: { p99: number; max: number };
  forwardPasses: number;
  /** Time the model process spent in the model (tokenise + forward + pool), summed over the burst. */
  modelMs: number;
}

async function burst(
  knowledgeBase: KnowledgeBase,
  context: BenchContext,
  batching: boolean,
  offset: number,
): Promise<BurstRun> {
  const { embedder } = await context.embedder();
  embedder.reset();
  const questions = Array.from({ length: BURST }, (_, index) => questionAt(context, offset + index));
  const answered: number[] = [];
  const {
    result: wallMs,
    p99,
    max,
  } = await withEventLoopDelay(async () => {
    const started = performance.now();
    await Promise.all(
      questions.map(async (question) => {
        await knowledgeBase.ask(question);
        answered.push(performance.now() - started);
      }),
    );
    return performance.now() - started;
  });
  return {
    batching,
    wallMs,
    questionsPerSecond: (BURST * 1000) / wallMs,
    answerMs: { p50: median(answered), p95: percentile(answered, 95), max: Math.max(...answered) },
    eventLoopDelay: { p99, max },
    forwardPasses: embedder.calls.length,
    modelMs: embedder.calls.reduce(
      (sum, call) => sum + call.timings.tokenizeMs + call.timings.forwardMs + call.timings.poolMs,
      0,
    ),
  };
}

export const burstSection: Section<Figure> = {
  name: 'burst',
  title: `Bursts of ${BURST} concurrent questions`,
  figureNames: FIGURES,
  async run(context: BenchContext): Promise<SectionResult<Figure>> {
    const indexDir = await context.tempDir('burst-index-');
    const batched = await context.openKnowledgeBase({ indexDir });
    const unbatched = await context.openKnowledgeBase({ indexDir, batchQueries: false });
    if (unbatched.startReport.action !== 'loaded')
      throw new Error('the second knowledge base should have loaded the first one’s index');

    const rounds = context.quick ? 1 : 3;
    // Warm-up: one burst each (jieba's dictionary, the model process, JIT).
    await burst(batched, context, true, 0);
    await burst(unbatched, context, false, 0);
    const runs: BurstRun[] = [];
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first, so a slow spell of the machine hits both alike.
      const order: [KnowledgeBase, boolean][] =
        round % 2 === 0
          ? [
              [batched, true],
              [unbatched, false],
            ]
          : [
              [unbatched, false],
              [batched, true],
            ];
      for (const [knowledgeBase, batching] of order)
        runs.push(await burst(knowledgeBase, context, batching, (round + 1) * BURST));
    }

    const of = (batching: boolean) => runs.filter((run) => run.batching === batching);
    const summary = (batching: boolean) => {
      const mine = of(batching);
      return {
        questionsPerSecond: median(mine.map((run) => run.questionsPerSecond)),
        wallMs: median(mine.map((run) => run.wallMs)),
        answerP50: median(mine.map((run) => run.answerMs.p50)),
        answerP95: median(mine.map((run) => run.answerMs.p95)),
        eventLoopP99: Math.max(...mine.map((run) => run.eventLoopDelay.p99)),
        eventLoopMax: Math.max(...mine.map((run) => run.eventLoopDelay.max)),
        forwardPasses: median(mine.map((run) => run.forwardPasses)),
        modelMs: median(mine.map((run) => run.modelMs)),
      };
    };
    const on = summary(true);
    const off = summary(false);
    const throughputRatio = on.questionsPerSecond / off.questionsPerSecond;
    const worstP99 = Math.max(on.eventLoopP99, off.eventLoopP99);

    const row = (label: string, figures: ReturnType<typeof summary>) => [
      label,
      count(figures.forwardPasses),
      ms(figures.modelMs),
      ms(figures.wallMs),
      `${figures.questionsPerSecond.toFixed(1)}`,
      ms(figures.answerP50),
      ms(figures.answerP95),
      ms(figures.eventLoopP99),
      ms(figures.eventLoopMax),
    ];
    const table: Table = {
      title: `Bursts: ${BURST} questions at once through KnowledgeBase.ask (median of ${rounds} burst${rounds > 1 ? 's' : ''} each, after one warm-up burst; batch size ${context.batchSize})`,
      columns: [
        'batching',
        'embed calls',
        'model time (model process)',
        'burst wall time',
        'questions/s',
        'answer p50',
        'answer p95',
        'event-loop delay p99',
        'max',
      ],
      rows: [
        row('on (QueryBatcher)', on),
        row('off (one pass per question)', off),
        ['on ÷ off', '', ratio(on.modelMs / off.modelMs), '', ratio(throughputRatio) + ' throughput', '', '', '', ''],
      ],
      notes: [
        `throughput ratio target ≥ ${TARGET_THROUGHPUT_RATIO}×: ${met(throughputRatio >= TARGET_THROUGHPUT_RATIO)}; ` +
          `event-loop delay p99 target < ${TARGET_EVENT_LOOP_P99_MS} ms (worst of all bursts): ${met(worstP99 < TARGET_EVENT_LOOP_P99_MS)}`,
        'answer p50/p95: time from the start of the burst until each question was answered. ' +
          'model time: the model process’s tokenise + forward + pooling, summed over the burst (a batched call runs as passes of similar lengths).',
      ],
    };
    return {
      tables: [table],
      figures: {
        size: String(BURST),
        rounds: String(rounds),
        batchSize: String(context.batchSize),
        embedCallsOn: count(on.forwardPasses),
        embedCallsOff: count(off.forwardPasses),
        throughputRatio: ratio(throughputRatio),
        throughputTarget: `≥ ${TARGET_THROUGHPUT_RATIO}×`,
        throughputVerdict: verdict(throughputRatio >= TARGET_THROUGHPUT_RATIO),
        modelTimeRatio: ratio(on.modelMs / off.modelMs),
        eventLoopOn: ms(on.eventLoopP99),
        eventLoopOff: ms(off.eventLoopP99),
        eventLoopTarget: `< ${TARGET_EVENT_LOOP_P99_MS} ms`,
        eventLoopVerdict: verdict(worstP99 < TARGET_EVENT_LOOP_P99_MS),
      },
      targets: [
        {
          section: 'burst',
          name: `throughput, batching on ÷ off (${BURST} concurrent)`,
          target: `≥ ${TARGET_THROUGHPUT_RATIO}×`,
          value: ratio(throughputRatio),
          met: throughputRatio >= TARGET_THROUGHPUT_RATIO,
        },
        {
          section: 'burst',
          name: 'event-loop delay p99 during bursts',
          target: `< ${TARGET_EVENT_LOOP_P99_MS} ms`,
          value: ms(worstP99),
          met: worstP99 < TARGET_EVENT_LOOP_P99_MS,
        },
      ],
      data: { burst: BURST, rounds, batchSize: context.batchSize, on, off, throughputRatio, runs },
    };
  },
};
