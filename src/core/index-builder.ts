import { performance } from 'node:perf_hooks';
import type { Corpus } from './corpus.js';
import type { Embedder } from './embedder.js';
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
import { LexicalIndex } from './lexical.js';
import { toSimplifiedScript } from './normalize.js';
import { calibrateDenseBar } from './relevance/calibration.js';
import { scriptsOf } from './relevance/decision.js';
import { windowsOf } from './windows.js';

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
}

/** Embeds a corpus into a new snapshot and persists it atomically. */
export async function buildSnapshot(
  corpus: Corpus,
  options: IndexBuildOptions,
  onProgress?: ProgressListener,
): Promise<{ snapshot: IndexSnapshot; embedded: number }> {
  const started = performance.now();
  const { embedder } = options;
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

  const vectors = createVectorIndex(embedder.info.dimensions, windowTexts.length, hnsw);
  onProgress?.({ phase: 'embedding', done: 0, total: windowTexts.length });
  for (let start = 0; start < windowTexts.length; start += batchSize) {
    const batch = windowTexts.slice(start, start + batchSize);
    const embedded = await embedder.embed(batch, 'passage');
    embedded.forEach((vector, offset) => vectors.addPoint(Array.from(vector), start + offset));
    onProgress?.({
      phase: 'embedding',
      done: Math.min(start + batchSize, windowTexts.length),
      total: windowTexts.length,
    });
  }

  // The dense bar for this model, measured against these passages (relevance/calibration.ts).
  const calibration = await calibrateDenseBar(
    embedder,
    (vector) => 1 - vectors.searchKnn(Array.from(vector), 1).distances[0]!,
    batchSize,
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
          documents: corpus.documents.map(({ name, title, sections }) => ({ name, title, sections })),
          scripts: [...scriptsOf(corpus.passages.map((passage) => passage.text))],
        },
        calibration,
        passages: corpus.passages,
        windows,
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
  return { snapshot: { manifest, vectors, lexical }, embedded: windowTexts.length };
}
