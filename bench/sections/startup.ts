import { performance } from 'node:perf_hooks';
import type { BuildPhase } from '../../src/core/knowledge-base.js';
import type { StartupProbeInput, StartupProbeResult } from '../startup-probe.js';
import { runChild } from '../lib/child.js';
import type { BenchContext } from '../lib/context.js';
import { verdict, type Section, type SectionResult } from '../lib/section.js';
import { median } from '../lib/stats.js';
import { count, met, mib, ms, ratio, seconds, type Table } from '../lib/table.js';
import { measureMemory, MEMORY_FIGURES } from './startup-memory.js';

const FIGURES = [
  'passages',
  'windows',
  'rounds',
  'batchSize',
  'batchedRate',
  'singleRate',
  'indexingRatio',
  'modelLoad',
  'rebuildOpen',
  'persistedOpen',
  'openRatio',
  'firstAnswer',
  'firstAnswerRebuild',
  'botRss',
  'modelRss',
  'botRssRebuild',
  'modelRssRebuild',
  'processStart',
  'warmEmbedded',
  'warmVerdict',
  ...MEMORY_FIGURES,
] as const;
type Figure = (typeof FIGURES)[number];

interface BuildRun {
  batchSize: number;
  passages: number;
  windows: number;
  totalMs: number;
  /** Reading the corpus and cutting passages into windows (token counting in the model process). */
  windowingMs: number;
  embeddingMs: number;
  /** The lexical index and writing the files (fsync'd). */
  writingMs: number;
}

async function build(context: BenchContext, batchSize: number): Promise<BuildRun> {
  const marks = new Map<BuildPhase, number>();
  const started = performance.now();
  const knowledgeBase = await context.openKnowledgeBase(
    { indexDir: await context.tempDir('build-'), batchSize },
    (progress) => {
      if (!marks.has(progress.phase)) marks.set(progress.phase, performance.now());
    },
  );
  const ended = performance.now();
  const { startReport } = knowledgeBase;
  if (startReport.action !== 'built') throw new Error('expected a fresh build');
  const embedding = marks.get('embedding')!;
  const writing = marks.get('writing')!;
  return {
    batchSize,
    passages: startReport.passages,
    windows: startReport.windows,
    totalMs: ended - started,
    windowingMs: embedding - started,
    embeddingMs: writing - embedding,
    writingMs: ended - writing,
  };
}

export const startupSection: Section<Figure> = {
  name: 'startup',
  title: 'Indexing and start-up',
  figureNames: FIGURES,
  async run(context: BenchContext): Promise<SectionResult<Figure>> {
    const rounds = context.quick ? 1 : 3;

    // --- Indexing throughput: batched vs one passage per forward pass (in this process, shared model).
    await build(context, context.batchSize); // warm-up
    const builds: BuildRun[] = [];
    for (let round = 0; round < rounds; round++) {
      const sizes = round % 2 === 0 ? [context.batchSize, 1] : [1, context.batchSize];
      for (const batchSize of sizes) builds.push(await build(context, batchSize));
    }
    const buildSummary = (batchSize: number) => {
      const mine = builds.filter((run) => run.batchSize === batchSize);
      const totalMs = median(mine.map((run) => run.totalMs));
      const embeddingMs = median(mine.map((run) => run.embeddingMs));
      return {
        batchSize,
        passages: mine[0]!.passages,
        windows: mine[0]!.windows,
        totalMs,
        windowingMs: median(mine.map((run) => run.windowingMs)),
        embeddingMs,
        writingMs: median(mine.map((run) => run.writingMs)),
        passagesPerSecond: (mine[0]!.passages * 1000) / totalMs,
        windowsEmbeddedPerSecond: (mine[0]!.windows * 1000) / embeddingMs,
      };
    };
    const batched = buildSummary(context.batchSize);
    const single = buildSummary(1);

    // --- Start-up in fresh processes: rebuild (empty INDEX_DIR) vs warm (the persisted index).
    // --- Memory: the compiled bot with its model process, part by part, and compiled against tsx.
    const memory = await measureMemory(context);

    const probe = (indexDir: string) =>
      runChild<StartupProbeResult>(
        new URL('../startup-probe.ts', import.meta.url),
        {
          embedder: context.model.embedder,
          corpusPath: context.corpusPath,
          indexDir,
          batchSize: context.batchSize,
          question: context.questions[0]!,
        } satisfies StartupProbeInput,
        { timeoutMs: 300_000 },
      );
    const cold: StartupProbeResult[] = [];
    const warm: StartupProbeResult[] = [];
    for (let round = 0; round < rounds; round++) {
      const indexDir = await context.tempDir('startup-');
      cold.push(await probe(indexDir));
      warm.push(await probe(indexDir));
    }
    if (cold.some((run) => run.report.action !== 'built') || warm.some((run) => run.report.action !== 'loaded')) {
      throw new Error('start-up probes did not build then load as expected');
    }
    const startupSummary = (runs: StartupProbeResult[]) => ({
      processMs: median(runs.map((run) => run.processMs)),
      modelLoadMs: median(runs.map((run) => run.modelLoadMs)),
      openMs: median(runs.map((run) => run.openMs)),
      readyMs: median(runs.map((run) => run.modelLoadMs + run.openMs)),
      firstAnswerMs: median(runs.map((run) => run.firstAnswerMs)),
      embedded: Math.max(...runs.map((run) => run.report.embedded)),
      rss: median(runs.map((run) => run.memory.rss)),
      modelRss: median(runs.map((run) => run.modelRss)),
      heapUsed: median(runs.map((run) => run.memory.heapUsed)),
    });
    const rebuild = startupSummary(cold);
    const persisted = startupSummary(warm);
    const warmEmbedded = persisted.embedded;

    const indexing: Table = {
      title: `Indexing the article (${batched.passages} paragraphs → ${batched.windows} windows; median of ${rounds} builds each, fresh INDEX_DIR, model already loaded)`,
      columns: [
        'embedding',
        'windowing',
        'embedding',
        'lexical + write',
        'total',
        'passages/s (total)',
        'windows/s (embedding)',
      ],
      rows: [
        ...[batched, single].map((figures) => [
          figures.batchSize === 1 ? 'one at a time (batch 1)' : `batched (EMBED_BATCH_SIZE ${figures.batchSize})`,
          ms(figures.windowingMs),
          ms(figures.embeddingMs),
          ms(figures.writingMs),
          ms(figures.totalMs),
          figures.passagesPerSecond.toFixed(1),
          figures.windowsEmbeddedPerSecond.toFixed(1),
        ]),
        [
          'batched ÷ one at a time',
          '',
          '',
          '',
          '',
          ratio(batched.passagesPerSecond / single.passagesPerSecond),
          ratio(batched.windowsEmbeddedPerSecond / single.windowsEmbeddedPerSecond),
        ],
      ],
    };
    const startup: Table = {
      title: `Start-up in a fresh process (median of ${rounds}): model load, then KnowledgeBase.open`,
      columns: [
        'INDEX_DIR',
        'model load',
        'open',
        'ready (load + open)',
        'passages re-embedded',
        'first answer',
        'RSS: bot process',
        'RSS: model process',
        'JS heap',
      ],
      rows: [
        [
          'empty: rebuild',
          seconds(rebuild.modelLoadMs),
          seconds(rebuild.openMs),
          seconds(rebuild.readyMs),
          count(rebuild.embedded),
          ms(rebuild.firstAnswerMs),
          mib(rebuild.rss),
          mib(rebuild.modelRss),
          mib(rebuild.heapUsed),
        ],
        [
          'persisted index',
          seconds(persisted.modelLoadMs),
          seconds(persisted.openMs),
          seconds(persisted.readyMs),
          count(persisted.embedded),
          ms(persisted.firstAnswerMs),
          mib(persisted.rss),
          mib(persisted.modelRss),
          mib(persisted.heapUsed),
        ],
        [
          'rebuild ÷ persisted',
          '',
          ratio(rebuild.openMs / persisted.openMs),
          ratio(rebuild.readyMs / persisted.readyMs),
          '',
          '',
          '',
          '',
          '',
        ],
      ],
      notes: [
        `passages re-embedded on a warm start (startReport.embedded) target 0: ${met(warmEmbedded === 0)}; ` +
          `Node + tsx start before the model load: ${ms(persisted.processMs)}.`,
      ],
    };
    return {
      tables: [indexing, startup, ...memory.tables],
      figures: {
        ...memory.figures,
        passages: count(batched.passages),
        windows: count(batched.windows),
        rounds: String(rounds),
        batchSize: String(context.batchSize),
        batchedRate: batched.passagesPerSecond.toFixed(1),
        singleRate: single.passagesPerSecond.toFixed(1),
        indexingRatio: ratio(batched.passagesPerSecond / single.passagesPerSecond),
        modelLoad: seconds(persisted.modelLoadMs),
        rebuildOpen: seconds(rebuild.openMs),
        persistedOpen: seconds(persisted.openMs),
        openRatio: ratio(rebuild.openMs / persisted.openMs),
        firstAnswer: ms(persisted.firstAnswerMs),
        firstAnswerRebuild: ms(rebuild.firstAnswerMs),
        botRss: mib(persisted.rss),
        modelRss: mib(persisted.modelRss),
        botRssRebuild: mib(rebuild.rss),
        modelRssRebuild: mib(rebuild.modelRss),
        processStart: ms(persisted.processMs),
        warmEmbedded: String(warmEmbedded),
        warmVerdict: verdict(warmEmbedded === 0),
      },
      targets: [
        ...memory.targets,
        {
          section: 'startup',
          name: 'passages re-embedded on a warm start',
          target: '0',
          value: String(warmEmbedded),
          met: warmEmbedded === 0,
        },
      ],
      data: {
        rounds,
        footprint: memory.footprint,
        memory: memory.data,
        indexing: { batched, single, builds },
        startup: { rebuild, persisted, runs: { cold, warm } },
      },
    };
  },
};
