/**
 * One contender of the search benchmark, in a fresh process so its build
 * memory is its own: generates the seeded vector set, builds the contender's
 * index over it, then answers the queries (top 10) repeatedly for at least
 * `minMs`, reporting queries/s and recall@10 against the exact answers.
 * Run by bench/sections/search.ts; reports over IPC.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { create, insertMultiple, search } from '@orama/orama';
import { createVectorIndex, type HnswParameters } from '../src/core/index/index-store.js';
import { memoryDelta, memorySample, type MemorySample } from './lib/stats.js';
import { exactTopK, makeVectorSets, type VectorSet } from './lib/vectors.js';

export type Contender = 'exact' | 'hnswlib' | 'orama';

export interface SearchProbeInput {
  contender: Contender;
  count: number;
  dimensions: number;
  queries: number;
  seed: number;
  clusterSize: number;
  centreScale: number;
  k: number;
  /** Keep querying for at least this long (whole passes over the queries). */
  minMs: number;
  /** hnswlib: the build parameters and the efSearch values to try on the built index. */
  hnsw?: { M: number; efConstruction: number; efSearch: number[] };
  /** exact: where to write the true neighbours; the others: where to read them. */
  truthFile: string;
  /** orama: its similarity threshold (it returns everything above it, sorted). */
  oramaSimilarity?: number;
}

export interface QueryFigures {
  efSearch?: number;
  queriesPerSecond: number;
  msPerQuery: number;
  recallAt10: number;
  passes: number;
}

export interface SearchProbeResult {
  contender: Contender;
  count: number;
  buildMs: number;
  memory: MemorySample;
  runs: QueryFigures[];
  /** exact only: the lowest similarity of a 10th neighbour over all queries. */
  lowestKthSimilarity?: number;
}

type Searcher = (query: Float32Array) => ArrayLike<number>;

function measure(
  searcher: Searcher,
  queries: VectorSet,
  truth: Int32Array[],
  k: number,
  minMs: number,
): Omit<QueryFigures, 'efSearch'> {
  let hits = 0;
  // First pass: recall (and warm-up).
  for (let query = 0; query < queries.count; query++) {
    const expected = new Set(truth[query]);
    const found = searcher(queries.row(query));
    for (let index = 0; index < Math.min(k, found.length); index++) if (expected.has(found[index]!)) hits++;
  }
  let passes = 0;
  const started = performance.now();
  let elapsed: number;
  do {
    for (let query = 0; query < queries.count; query++) searcher(queries.row(query));
    passes++;
    elapsed = performance.now() - started;
  } while (elapsed < minMs);
  const total = passes * queries.count;
  return {
    queriesPerSecond: (total * 1000) / elapsed,
    msPerQuery: elapsed / total,
    recallAt10: hits / (k * queries.count),
    passes,
  };
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2]!) as SearchProbeInput;
  const { base, queries } = makeVectorSets({
    count: input.count,
    dimensions: input.dimensions,
    queries: input.queries,
    seed: input.seed,
    clusterSize: input.clusterSize,
    centreScale: input.centreScale,
  });
  const k = input.k;
  let truth: Int32Array[];
  let lowestKthSimilarity: number | undefined;
  if (input.contender !== 'exact') {
    truth = (JSON.parse(await readFile(input.truthFile, 'utf8')) as number[][]).map((ids) => Int32Array.from(ids));
  }

  const before = memorySample();
  const started = performance.now();
  const runs: QueryFigures[] = [];
  let buildMs: number;
  let memory: MemorySample;

  if (input.contender === 'exact') {
    // What an application doing a brute-force scan holds: its own copy of the vectors.
    const held: VectorSet = {
      ...base,
      data: Float32Array.from(base.data),
      row: (index) => held.data.subarray(index * base.dimensions, (index + 1) * base.dimensions),
    };
    buildMs = performance.now() - started;
    memory = memoryDelta(before, memorySample());
    const exact: Searcher = (query) => exactTopK(held, query, k).ids;
    // The pass that finds the true neighbours is timed too: at 100k one pass takes seconds.
    truth = [];
    lowestKthSimilarity = Infinity;
    const timing = performance.now();
    for (let query = 0; query < queries.count; query++) {
      const { ids, scores } = exactTopK(held, queries.row(query), k);
      truth.push(ids);
      lowestKthSimilarity = Math.min(lowestKthSimilarity, scores[k - 1]!);
    }
    const firstPassMs = performance.now() - timing;
    await writeFile(input.truthFile, JSON.stringify(truth.map((ids) => Array.from(ids))));
    runs.push(
      firstPassMs >= input.minMs
        ? {
            queriesPerSecond: (queries.count * 1000) / firstPassMs,
            msPerQuery: firstPassMs / queries.count,
            recallAt10: 1,
            passes: 1,
          }
        : measure(exact, queries, truth, k, input.minMs),
    );
  } else if (input.contender === 'hnswlib') {
    const parameters = input.hnsw!;
    const index = createVectorIndex(input.dimensions, input.count, {
      ...parameters,
      efSearch: parameters.efSearch[0]!,
    } satisfies HnswParameters);
    // As the app does it: one addPoint per vector, from a number[].
    for (let row = 0; row < input.count; row++) index.addPoint(Array.from(base.row(row)), row);
    buildMs = performance.now() - started;
    memory = memoryDelta(before, memorySample());
    for (const efSearch of parameters.efSearch) {
      index.setEf(efSearch);
      // As the app queries it (src/core/search/retrieval.ts): Array.from of the Float32Array.
      const searcher: Searcher = (query) => index.searchKnn(Array.from(query), k).neighbors;
      runs.push({ efSearch, ...measure(searcher, queries, truth!, k, input.minMs) });
    }
  } else {
    const database = create({ schema: { embedding: `vector[${input.dimensions}]` } as const });
    const documents = Array.from({ length: input.count }, (_, row) => ({
      id: String(row),
      embedding: Array.from(base.row(row)),
    }));
    await insertMultiple(database, documents, 1000);
    buildMs = performance.now() - started;
    documents.length = 0;
    memory = memoryDelta(before, memorySample());
    // Orama returns everything above a similarity threshold (default 0.8), sorted. The threshold is set
    // just under the lowest true 10th neighbour, the most favourable setting that still finds all ten.
    const similarity = input.oramaSimilarity ?? 0.8;
    const searcher: Searcher = (query) => {
      const found = search(database, {
        mode: 'vector',
        vector: { value: Array.from(query), property: 'embedding' },
        similarity,
        limit: k,
        includeVectors: false,
      });
      if (found instanceof Promise) throw new Error('Orama answered asynchronously');
      return found.hits.map((hit) => Number(hit.id));
    };
    runs.push(measure(searcher, queries, truth!, k, input.minMs));
  }

  const result: SearchProbeResult = {
    contender: input.contender,
    count: input.count,
    buildMs,
    memory,
    runs,
    lowestKthSimilarity,
  };
  process.send!(result);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
