import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { silentLogger } from '../../logger.js';
import type { Corpus } from '../corpus/corpus.js';
import type { Embedder } from '../embedding/embedder.js';
import { EmbeddingCache, textKey } from '../embedding/embedding-cache.js';
import { vectorSpaceOf, type VectorCache, type VectorCacheOpener } from '../embedding/vector-cache.js';
import { isUsableVector, vectorProblem } from '../embedding/vector-check.js';
import {
  createVectorIndex,
  DEFAULT_HNSW,
  INDEX_FORMAT_VERSION,
  packageVersions,
  writeSnapshot,
  type HnswParameters,
  type IndexSnapshot,
  type WriteHooks,
} from './index-store.js';
import { LexicalIndex } from '../search/lexical.js';
import { toSimplifiedScript } from '../corpus/normalize.js';
import { calibrateDenseBar } from '../search/relevance/calibration.js';
import { scriptsOf } from '../search/relevance/decision.js';
import { windowsOf } from '../corpus/windows.js';

/**
 * Building an index: a corpus's passages cut into windows that fit the
 * model, embedded in batches, indexed densely and lexically, and persisted
 * as a new snapshot that replaces the served one in one atomic step.
 */

export type BuildPhase = 'reading' | 'embedding' | 'writing';

export interface BuildProgress {
  phase: BuildPhase;
  done: number;
  total: number;
}

export type ProgressListener = (progress: BuildProgress) => void;

export interface IndexBuildOptions {
  indexDir: string;
  embedder: Embedder;
  /** Texts per forward pass. */
  batchSize?: number;
  hnsw?: HnswParameters;
  writeHooks?: WriteHooks;
  /**
   * Reuse the vectors of earlier builds (vector-cache.ts) so that only new
   * or changed passages are embedded. On by default.
   */
  embeddingCache?: boolean;
  /** Where those vectors are kept: by default a file in `indexDir` (embedding-cache.ts). */
  vectorCache?: VectorCacheOpener;
  logger?: Logger;
}

export interface BuildResult {
  snapshot: IndexSnapshot;
  /** Windows whose vectors were computed by this build. */
  embedded: number;
  /** Windows whose vectors came from the embedding cache. */
  reused: number;
}

/** The embedding cache, or none when it is off or cannot be read (then everything is embedded). */
async function openCache(options: IndexBuildOptions, logger: Logger): Promise<VectorCache | undefined> {
  if (options.embeddingCache === false) return undefined;
  try {
    return options.vectorCache
      ? await options.vectorCache(vectorSpaceOf(options.embedder.info))
      : await EmbeddingCache.open(options.indexDir, options.embedder.info);
  } catch (error) {
    logger.warn({ err: error }, 'the embedding cache cannot be read; embedding every passage');
    return undefined;
  }
}

/** The usable vectors the cache holds for these keys; none when it cannot be read now. */
async function cachedVectors(
  cache: VectorCache | undefined,
  keys: readonly string[],
  dimensions: number,
  logger: Logger,
): Promise<Map<string, Float32Array>> {
  if (!cache) return new Map();
  try {
    const found = await cache.lookup([...new Set(keys)]);
    for (const [key, vector] of found) if (!isUsableVector(vector, dimensions)) found.delete(key);
    return found;
  } catch (error) {
    logger.warn({ err: error }, 'the embedding cache cannot be read; embedding every passage');
    return new Map();
  }
}

/** Embeds a corpus into a new snapshot and persists it atomically. */
export async function buildSnapshot(
  corpus: Corpus,
  options: IndexBuildOptions,
  onProgress?: ProgressListener,
): Promise<BuildResult> {
  const started = performance.now();
  const { embedder } = options;
  const logger = options.logger ?? silentLogger;
  const batchSize = options.batchSize ?? 16;
  const hnsw = options.hnsw ?? DEFAULT_HNSW;

  // Long paragraphs become overlapping sentence windows that point back to them.
  const windowTexts: string[] = [];
  const windows: number[] = [];
  const countTokens = (texts: readonly string[]) => embedder.countTokens(texts, 'passage');
  for (const [index, passage] of corpus.passages.entries()) {
    for (const text of await windowsOf(toSimplifiedScript(passage.text), embedder.info.maxTokens, countTokens)) {
      windowTexts.push(text);
      windows.push(index);
    }
  }

  // Only the texts no earlier build embedded in this vector space go to the model, each once.
  let cache = await openCache(options, logger);
  const keys = windowTexts.map(textKey);
  const cached = await cachedVectors(cache, keys, embedder.info.dimensions, logger);
  const computed = new Map<string, Float32Array>();
  const missing = new Map<string, string>();
  keys.forEach((key, index) => {
    if (!cached.has(key)) missing.set(key, windowTexts[index]!);
  });
  const toEmbed = [...missing];
  onProgress?.({ phase: 'embedding', done: 0, total: toEmbed.length });
  for (let start = 0; start < toEmbed.length; start += batchSize) {
    const batch = toEmbed.slice(start, start + batchSize);
    const batchVectors = await embedder.embed(
      batch.map(([, text]) => text),
      'passage',
    );
    const entries = batch.map(([key], offset) => ({ key, vector: batchVectors[offset]! }));
    for (const { key, vector } of entries) computed.set(key, vector);
    try {
      await cache?.add(entries.filter(({ vector }) => isUsableVector(vector, embedder.info.dimensions)));
    } catch (error) {
      logger.warn({ err: error }, 'could not add to the embedding cache; carrying on without it');
      cache = undefined;
    }
    onProgress?.({ phase: 'embedding', done: Math.min(start + batchSize, toEmbed.length), total: toEmbed.length });
  }
  const vectors = createVectorIndex(embedder.info.dimensions, windowTexts.length, hnsw);
  // A vector that is not finite or is all zeros (a window of text the model knows nothing of) has no direction:
  // the window is left out of the dense index, with a warning naming its passage; lexical search still finds it.
  const windowsWithoutVector: number[] = [];
  keys.forEach((key, label) => {
    const vector = computed.get(key) ?? cached.get(key)!;
    const problem = vectorProblem(vector, embedder.info.dimensions);
    if (problem === undefined) {
      vectors.addPoint(Array.from(vector), label);
      return;
    }
    windowsWithoutVector.push(label);
    logger.warn(
      { passage: corpus.passages[windows[label]!]!.id, window: label, model: embedder.info.id, problem },
      'the model gave a passage window an unusable vector; it is left out of the dense index',
    );
  });
  const embedded = keys.filter((key) => computed.has(key)).length;

  // The dense bar for this model, measured against these passages (relevance/calibration.ts).
  const calibration = await calibrateDenseBar(
    embedder,
    (vector) =>
      vectors.getCurrentCount() === 0 ? undefined : 1 - vectors.searchKnn(Array.from(vector), 1).distances[0]!,
    batchSize,
    windowsWithoutVector.length,
  );

  onProgress?.({ phase: 'writing', done: 0, total: 1 });
  const lexical = LexicalIndex.build(corpus.passages.map((passage) => passage.text));
  const manifest = await writeSnapshot(
    options.indexDir,
    {
      manifest: {
        formatVersion: INDEX_FORMAT_VERSION,
        model: { ...embedder.info },
        corpus: {
          path: corpus.root,
          contentHash: corpus.contentHash,
          documents: corpus.documents.map(({ name, title, sections, metadata }) => ({
            name,
            title,
            sections,
            ...(metadata ? { metadata } : {}),
          })),
          scripts: [...scriptsOf(corpus.passages.map((passage) => passage.text))],
        },
        calibration,
        passages: corpus.passages,
        windows,
        windowsWithoutVector,
        hnsw: { ...hnsw, space: 'cosine' },
        builtAt: new Date().toISOString(),
        buildMs: Math.round(performance.now() - started),
        versions: packageVersions(),
      },
      vectors,
      lexical,
    },
    options.writeHooks,
  );
  onProgress?.({ phase: 'writing', done: 1, total: 1 });
  try {
    // The new index is served: the cache keeps its vectors, and forgets those of passages gone.
    await cache?.retainOnly(keys);
  } catch (error) {
    logger.warn({ err: error }, 'could not compact the embedding cache');
  }
  return { snapshot: { manifest, vectors, lexical }, embedded, reused: keys.length - embedded };
}
