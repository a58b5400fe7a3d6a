import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { IndexReport, ReindexReport } from './answer.js';
import type { CorpusSource, VersionedCorpus } from './corpus-source.js';
import {
  buildSnapshot,
  type BuildResult,
  type IndexBuildOptions,
  type ProgressListener,
} from './index/index-builder.js';
import { IndexLockedError } from './index/index-lock.js';
import { IndexUnavailableError, readSnapshot, staleReason, type IndexSnapshot } from './index/index-store.js';
import { warmUpSegmenter } from './search/lexical.js';

/** The index a knowledge base starts with, how it came to be, and the corpus version it matches. */
export interface LoadedIndex {
  snapshot: IndexSnapshot;
  report: IndexReport;
  version: number | undefined;
}

export interface LoadOptions extends IndexBuildOptions {
  logger: Logger;
  source: CorpusSource;
  /** Called before every read of the corpus. */
  beforeReadingCorpus?: () => void | Promise<void>;
  /** Whether this process holds the index directory's lock (may build); if not, who does. */
  writer: { held: true } | { held: false; heldBy: ConstructorParameters<typeof IndexLockedError>[1] };
}

async function readCorpus(options: LoadOptions): Promise<VersionedCorpus> {
  await options.beforeReadingCorpus?.();
  return options.source.read();
}

/**
 * Loads the persisted index when it matches the corpus and the model, and
 * builds it otherwise (missing, stale, or damaged files, with a warning). A
 * shared corpus is built under the deployment's lock, from the documents as
 * they are once it is held: a second process starting beside the first finds
 * every vector the first embedded in the shared cache.
 */
export async function loadOrBuild(options: LoadOptions, onProgress?: ProgressListener): Promise<LoadedIndex> {
  const { logger } = options;
  const started = performance.now();
  onProgress?.({ phase: 'reading', done: 0, total: 1 });
  const read = await readCorpus(options);

  let reason: string;
  try {
    const snapshot = await readSnapshot(options.indexDir);
    const stale = staleReason(snapshot.manifest, read.corpus.contentHash, options.embedder.info, options.hnsw);
    if (!stale) {
      // A rebuild loads the segmenter anyway; a warm start would otherwise make the first question wait for it.
      warmUpSegmenter();
      const report: IndexReport = {
        action: 'loaded',
        reason: 'the persisted index matches the corpus and the model',
        passages: snapshot.manifest.passages.length,
        windows: snapshot.manifest.windows.length,
        embedded: 0,
        reused: 0,
        durationMs: performance.now() - started,
        builtAt: snapshot.manifest.builtAt,
      };
      logger.info(
        { passages: report.passages, builtAt: report.builtAt, corpusVersion: read.version },
        'loaded the persisted index',
      );
      return { snapshot, report, version: read.version };
    }
    reason = stale;
    logger.info({ reason }, 'the persisted index is stale; rebuilding');
  } catch (error) {
    if (!(error instanceof IndexUnavailableError)) throw error;
    reason = error.message;
    if (error.reason === 'corrupt') logger.warn({ reason }, 'the persisted index is damaged; rebuilding it');
    else if (error.reason === 'outdated')
      logger.info({ reason }, 'the persisted index is from another version; rebuilding it');
    else logger.info({ reason }, 'building the index');
  }

  const { writer } = options;
  if (!writer.held) throw new IndexLockedError(options.indexDir, writer.heldBy, `build the index (${reason})`);
  const build = async () => {
    // Under the deployment's lock, the documents as they are now: another process may have changed them meanwhile.
    const latest = options.source.exclusively ? await readCorpus(options) : read;
    return { latest, built: await buildSnapshot(latest.corpus, options, onProgress) };
  };
  const { latest, built } = options.source.exclusively ? await options.source.exclusively(build) : await build();
  const report: IndexReport = {
    action: 'built',
    reason,
    passages: built.snapshot.manifest.passages.length,
    windows: built.snapshot.manifest.windows.length,
    embedded: built.embedded,
    reused: built.reused,
    durationMs: performance.now() - started,
    builtAt: built.snapshot.manifest.builtAt,
  };
  logger.info(
    {
      passages: report.passages,
      windows: report.windows,
      embedded: built.embedded,
      reused: built.reused,
      ms: Math.round(report.durationMs),
      corpusVersion: latest.version,
    },
    'built the index',
  );
  return { snapshot: built.snapshot, report, version: latest.version };
}

/** What a rebuild did: what the new index holds, and how it differs from the one before. */
export function reindexReport(
  previous: IndexSnapshot['manifest'],
  { snapshot, embedded, reused }: BuildResult,
  durationMs: number,
): ReindexReport {
  const before = new Map(previous.passages.map((passage) => [passage.id, passage.text]));
  const after = new Map(snapshot.manifest.passages.map((passage) => [passage.id, passage.text]));
  return {
    action: 'built',
    reason: 'reindex requested',
    passages: after.size,
    windows: snapshot.manifest.windows.length,
    embedded,
    reused,
    durationMs,
    builtAt: snapshot.manifest.builtAt,
    previousPassages: before.size,
    added: [...after.keys()].filter((id) => !before.has(id)).length,
    removed: [...before.keys()].filter((id) => !after.has(id)).length,
    changed: [...after].filter(([id, text]) => before.has(id) && before.get(id) !== text).length,
  };
}
