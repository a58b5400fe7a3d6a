import path from 'node:path';
import { DEFAULT_HNSW } from '../../src/core/index/index-store.js';
import type { SearchProbeInput, SearchProbeResult } from '../search-probe.js';
import { runChild } from '../lib/child.js';
import type { BenchContext } from '../lib/context.js';
import { verdict, type Section, type SectionResult, type Target } from '../lib/section.js';
import { count, mib, ratio, seconds, type Table } from '../lib/table.js';

const DIMENSIONS = 384;
const K = 10;
const TARGET_SPEEDUP = 100;
const TARGET_RECALL = 0.99;
/** The vector mixture (see bench/lib/vectors.ts): 1,000 points per cluster on average, centres of scale 0.3. */
const MIXTURE = { seed: 7, clusterSize: 1000, centreScale: 0.3 };

/** The 100k sweep: build settings, each queried at every efSearch below. */
const SWEEP_BUILDS: { M: number; efConstruction: number }[] = [
  { M: 16, efConstruction: 100 },
  { M: 16, efConstruction: 200 },
  { M: 24, efConstruction: 200 },
];
const SWEEP_EF = [50, 64, 80, 100, 200];

/** The size the targets are judged at; a quick run stops below it. */
const TARGET_SIZE = 100_000;

const FIGURES = [
  'queries',
  'clusterSize',
  'minTime',
  'largestSize',
  'targetSize',
  'speedupLargest',
  'recallLargest',
  'speedupTarget',
  'recallTarget',
  'speedupVerdict',
  'recallVerdict',
  'oramaVsExact',
  'hnswVsOrama',
  'hnswRss',
  'oramaRss',
  'sweepSize',
  'defaults',
  'defaultM',
  'defaultEfConstruction',
  'defaultEf',
  /** A sentence: the lowest efSearch (of those swept) that kept recall@10 ≥ 0.99 with the default build, against the default. */
  'efChoice',
  'recallDefaultBuild',
  'speedupDefaultBuild',
  'buildDefaultBuild',
  'recallEfc100',
  'buildEfc100',
  'recallM24',
  'speedupM24',
  'buildM24',
] as const;
type Figure = (typeof FIGURES)[number];

const fmtRecall = (value: number) => value.toFixed(4);
const qps = (value: number) => (value >= 100 ? count(value) : value.toFixed(1));

export const searchSection: Section<Figure> = {
  name: 'search',
  title: 'Vector search at scale',
  figureNames: FIGURES,
  async run(context: BenchContext): Promise<SectionResult<Figure>> {
    const sizes = context.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
    const sweepSize = context.quick ? 10_000 : 100_000;
    const queries = context.quick ? 50 : 200;
    const minMs = context.quick ? 300 : 1500;
    const directory = await context.tempDir('search-');
    const probe = (input: Omit<SearchProbeInput, 'dimensions' | 'queries' | 'k' | 'minMs' | keyof typeof MIXTURE>) =>
      runChild<SearchProbeResult>(new URL('../search-probe.ts', import.meta.url), {
        dimensions: DIMENSIONS,
        queries,
        k: K,
        minMs,
        ...MIXTURE,
        ...input,
      } satisfies SearchProbeInput);

    const tables: Table[] = [];
    const targets: Target[] = [];
    const data: Record<string, unknown> = {
      dimensions: DIMENSIONS,
      k: K,
      queries,
      mixture: MIXTURE,
      defaults: DEFAULT_HNSW,
    };
    const bySize: Record<string, unknown> = {};
    let sweep: { M: number; efConstruction: number; result: SearchProbeResult }[] = [];

    for (const size of sizes) {
      const truthFile = path.join(directory, `truth-${size}.json`);
      process.stderr.write(`  search: ${count(size)} vectors: exact scan…\n`);
      const exact = await probe({ contender: 'exact', count: size, truthFile });
      const exactRun = exact.runs[0]!;

      let hnsw: SearchProbeResult;
      if (size === sweepSize) {
        sweep = [];
        const builds = SWEEP_BUILDS.some(
          (build) => build.M === DEFAULT_HNSW.M && build.efConstruction === DEFAULT_HNSW.efConstruction,
        )
          ? SWEEP_BUILDS
          : [...SWEEP_BUILDS, { M: DEFAULT_HNSW.M, efConstruction: DEFAULT_HNSW.efConstruction }];
        const efSearch = [...new Set([...SWEEP_EF, DEFAULT_HNSW.efSearch])].sort((left, right) => left - right);
        for (const build of builds) {
          process.stderr.write(
            `  search: ${count(size)} vectors: hnswlib M=${build.M} efConstruction=${build.efConstruction}…\n`,
          );
          sweep.push({
            ...build,
            result: await probe({ contender: 'hnswlib', count: size, truthFile, hnsw: { ...build, efSearch } }),
          });
        }
        hnsw = sweep.find(
          (entry) => entry.M === DEFAULT_HNSW.M && entry.efConstruction === DEFAULT_HNSW.efConstruction,
        )!.result;
      } else {
        process.stderr.write(`  search: ${count(size)} vectors: hnswlib…\n`);
        hnsw = await probe({
          contender: 'hnswlib',
          count: size,
          truthFile,
          hnsw: { M: DEFAULT_HNSW.M, efConstruction: DEFAULT_HNSW.efConstruction, efSearch: [DEFAULT_HNSW.efSearch] },
        });
      }
      const hnswRun = hnsw.runs.find((run) => run.efSearch === DEFAULT_HNSW.efSearch)!;

      // Orama returns every vector above its similarity threshold: set just under the lowest true 10th neighbour.
      const oramaSimilarity = Math.floor((exact.lowestKthSimilarity! - 0.01) * 100) / 100;
      process.stderr.write(`  search: ${count(size)} vectors: Orama…\n`);
      const orama = await probe({ contender: 'orama', count: size, truthFile, oramaSimilarity });
      const oramaRun = orama.runs[0]!;

      const row = (label: string, result: SearchProbeResult, run: typeof exactRun) => [
        label,
        seconds(result.buildMs),
        mib(result.memory.rss),
        mib(result.memory.heapUsed + result.memory.external),
        qps(run.queriesPerSecond),
        `${run.msPerQuery.toFixed(run.msPerQuery < 1 ? 3 : 2)} ms`,
        ratio(run.queriesPerSecond / exactRun.queriesPerSecond),
        fmtRecall(run.recallAt10),
      ];
      tables.push({
        title: `Search: ${count(size)} clustered unit vectors (${DIMENSIONS}-d), ${queries} queries, top ${K}`,
        columns: ['index', 'build', 'RSS Δ', 'JS heap + buffers Δ', 'queries/s', 'per query', '× exact', 'recall@10'],
        rows: [
          row('exact scan (Float32Array dot products)', exact, exactRun),
          row(
            `hnswlib (M ${DEFAULT_HNSW.M}, efConstruction ${DEFAULT_HNSW.efConstruction}, ef ${DEFAULT_HNSW.efSearch})`,
            hnsw,
            hnswRun,
          ),
          row(`Orama 3.1.18 vector search (similarity ≥ ${oramaSimilarity})`, orama, oramaRun),
        ],
        notes: [
          `hnswlib answers ${ratio(hnswRun.queriesPerSecond / oramaRun.queriesPerSecond)} the queries/s of Orama; ` +
            `its build takes ${ratio(hnsw.buildMs / orama.buildMs)} Orama's time (a graph is built; Orama only stores the vectors).`,
        ],
      });
      bySize[size] = { exact, hnswlib: hnsw, orama, oramaSimilarity };
      // The targets are set at 100k; a quick run stops at 10k and judges nothing.
      if (size === TARGET_SIZE) {
        const speedup = hnswRun.queriesPerSecond / exactRun.queriesPerSecond;
        targets.push(
          {
            section: 'search',
            name: `hnswlib queries/s ÷ exact at ${count(size)}`,
            target: `≥ ${TARGET_SPEEDUP}×`,
            value: ratio(speedup),
            met: speedup >= TARGET_SPEEDUP,
          },
          {
            section: 'search',
            name: `hnswlib recall@10 at ${count(size)}`,
            target: `≥ ${TARGET_RECALL}`,
            value: fmtRecall(hnswRun.recallAt10),
            met: hnswRun.recallAt10 >= TARGET_RECALL,
          },
        );
      }
    }

    if (sweep.length > 0) {
      const exactQps = (bySize[sweepSize] as { exact: SearchProbeResult }).exact.runs[0]!.queriesPerSecond;
      const candidates = sweep.flatMap((entry) => entry.result.runs.map((run) => ({ ...entry, run })));
      const eligible = candidates.filter((candidate) => candidate.run.recallAt10 >= TARGET_RECALL);
      const fastest = eligible.sort((left, right) => right.run.queriesPerSecond - left.run.queriesPerSecond)[0];
      tables.push({
        title: `HNSW sweep at ${count(sweepSize)} vectors (same vectors and queries)`,
        columns: ['M', 'efConstruction', 'build', 'RSS Δ', 'ef', 'queries/s', '× exact', 'recall@10'],
        rows: candidates.map(({ M, efConstruction, result, run }) => [
          String(M),
          String(efConstruction),
          seconds(result.buildMs),
          mib(result.memory.rss),
          String(run.efSearch),
          qps(run.queriesPerSecond),
          ratio(run.queriesPerSecond / exactQps),
          fmtRecall(run.recallAt10) +
            (M === DEFAULT_HNSW.M &&
            efConstruction === DEFAULT_HNSW.efConstruction &&
            run.efSearch === DEFAULT_HNSW.efSearch
              ? '  ← default'
              : ''),
        ]),
        notes: [
          fastest
            ? `fastest setting with recall@10 ≥ ${TARGET_RECALL}: M ${fastest.M}, efConstruction ${fastest.efConstruction}, ef ${fastest.run.efSearch} ` +
              `(${qps(fastest.run.queriesPerSecond)} queries/s, recall ${fmtRecall(fastest.run.recallAt10)}, build ${seconds(fastest.result.buildMs)}); ` +
              `the default is M ${DEFAULT_HNSW.M}, efConstruction ${DEFAULT_HNSW.efConstruction}, ef ${DEFAULT_HNSW.efSearch}.`
            : `no setting reached recall@10 ≥ ${TARGET_RECALL}.`,
        ],
      });
      data.sweep = sweep.map(({ M, efConstruction, result }) => ({
        M,
        efConstruction,
        buildMs: result.buildMs,
        memory: result.memory,
        runs: result.runs,
      }));
    }
    data.sizes = bySize;

    // The figures the page's prose quotes.
    const largest = sizes.at(-1)!;
    const atLargest = bySize[largest] as {
      exact: SearchProbeResult;
      hnswlib: SearchProbeResult;
      orama: SearchProbeResult;
    };
    const exactLargest = atLargest.exact.runs[0]!;
    const hnswLargest = atLargest.hnswlib.runs.find((run) => run.efSearch === DEFAULT_HNSW.efSearch)!;
    const oramaLargest = atLargest.orama.runs[0]!;
    const judged = (name: string) => {
      const target = targets.find((candidate) => candidate.name.startsWith(name));
      return target
        ? `${verdict(target.met)} (${target.value})`
        : `not judged (this run stopped at ${count(largest)} vectors)`;
    };
    const sweepExactQps = sweep.length
      ? (bySize[sweepSize] as { exact: SearchProbeResult }).exact.runs[0]!.queriesPerSecond
      : Number.NaN;
    const sweepRun = (M: number, efConstruction: number) => {
      const entry = sweep.find((candidate) => candidate.M === M && candidate.efConstruction === efConstruction);
      const run = entry?.result.runs.find((candidate) => candidate.efSearch === DEFAULT_HNSW.efSearch);
      return entry && run
        ? {
            recall: fmtRecall(run.recallAt10),
            speedup: ratio(run.queriesPerSecond / sweepExactQps),
            build: seconds(entry.result.buildMs),
          }
        : { recall: '–', speedup: '–', build: '–' };
    };
    const defaultBuild = sweepRun(DEFAULT_HNSW.M, DEFAULT_HNSW.efConstruction);
    const efc100 = sweepRun(DEFAULT_HNSW.M, 100);
    const m24 = sweepRun(24, DEFAULT_HNSW.efConstruction);
    const defaultEntry = sweep.find(
      (entry) => entry.M === DEFAULT_HNSW.M && entry.efConstruction === DEFAULT_HNSW.efConstruction,
    );
    const build = `M ${DEFAULT_HNSW.M}, efConstruction ${DEFAULT_HNSW.efConstruction}`;
    let efChoice = `The sweep did not run with ${build}.`;
    if (defaultEntry) {
      const tried = defaultEntry.result.runs.map((run) => run.efSearch).join(', ');
      const lowest = defaultEntry.result.runs
        .filter((run) => run.recallAt10 >= TARGET_RECALL)
        .sort((left, right) => left.efSearch! - right.efSearch!)[0];
      efChoice = !lowest
        ? `In this run no ef tried (${tried}) kept recall@10 ≥ ${TARGET_RECALL} with ${build}.`
        : lowest.efSearch === DEFAULT_HNSW.efSearch
          ? `In this run, ef ${lowest.efSearch} was the lowest of those tried (${tried}) that kept recall@10 ≥ ${TARGET_RECALL} with ${build} ` +
            `(${fmtRecall(lowest.recallAt10)}, ${ratio(lowest.queriesPerSecond / sweepExactQps)} the exact scan): the default.`
          : `In this run, the lowest ef of those tried (${tried}) that kept recall@10 ≥ ${TARGET_RECALL} with ${build} was ${lowest.efSearch} ` +
            `(${fmtRecall(lowest.recallAt10)}), not the default ${DEFAULT_HNSW.efSearch} (${defaultBuild.recall}).`;
    }
    const figures: Record<Figure, string> = {
      queries: String(queries),
      clusterSize: count(MIXTURE.clusterSize),
      minTime: seconds(minMs),
      largestSize: count(largest),
      targetSize: count(TARGET_SIZE),
      speedupLargest: ratio(hnswLargest.queriesPerSecond / exactLargest.queriesPerSecond),
      recallLargest: fmtRecall(hnswLargest.recallAt10),
      speedupTarget: `≥ ${TARGET_SPEEDUP}×`,
      recallTarget: `≥ ${TARGET_RECALL}`,
      speedupVerdict: judged('hnswlib queries/s'),
      recallVerdict: judged('hnswlib recall@10'),
      oramaVsExact: ratio(oramaLargest.queriesPerSecond / exactLargest.queriesPerSecond),
      hnswVsOrama: ratio(hnswLargest.queriesPerSecond / oramaLargest.queriesPerSecond),
      hnswRss: mib(atLargest.hnswlib.memory.rss),
      oramaRss: mib(atLargest.orama.memory.rss),
      sweepSize: count(sweepSize),
      defaults: `M ${DEFAULT_HNSW.M}, efConstruction ${DEFAULT_HNSW.efConstruction}, efSearch ${DEFAULT_HNSW.efSearch}`,
      defaultM: String(DEFAULT_HNSW.M),
      defaultEfConstruction: String(DEFAULT_HNSW.efConstruction),
      defaultEf: String(DEFAULT_HNSW.efSearch),
      efChoice,
      recallDefaultBuild: defaultBuild.recall,
      speedupDefaultBuild: defaultBuild.speedup,
      buildDefaultBuild: defaultBuild.build,
      recallEfc100: efc100.recall,
      buildEfc100: efc100.build,
      recallM24: m24.recall,
      speedupM24: m24.speedup,
      buildM24: m24.build,
    };
    return { tables, targets, figures, data };
  },
};
