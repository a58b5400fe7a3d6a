import type { Config } from '../config/config.js';
import { CorpusError, readDocumentFiles, type DocumentFile } from '../core/corpus/corpus.js';
import type { CorpusSource } from '../core/corpus-source.js';
import { DirectoryCorpus } from '../core/directory-corpus.js';
import type { VectorCacheOpener } from '../core/embedding/vector-cache.js';
import { SharedCorpus } from '../core/shared-corpus.js';
import type { Logger } from '../logger.js';
import { PostgresCorpusStore } from '../store/postgres/corpus-store.js';

/** Where the configured knowledge base reads its documents, and keeps its vectors when not in INDEX_DIR. */
export interface ConfiguredCorpus {
  source: CorpusSource;
  vectorCache?: VectorCacheOpener;
}

/** The documents in CORPUS_PATH, or none when there is nothing readable there. */
async function filesIn(corpusPath: string): Promise<DocumentFile[] | undefined> {
  try {
    return (await readDocumentFiles(corpusPath)).files;
  } catch (error) {
    if (error instanceof CorpusError) return undefined;
    throw error;
  }
}

function sameDocuments(a: readonly DocumentFile[], b: readonly DocumentFile[]): boolean {
  const texts = new Map(a.map((document) => [document.name, document.text]));
  return a.length === b.length && b.every((document) => texts.get(document.name) === document.text);
}

/**
 * The shared corpus of DATABASE_URL, seeded from CORPUS_PATH if it is empty
 * (once, however many processes start together). From then on the shared
 * documents are the corpus: CORPUS_PATH is not read again, and a process
 * whose CORPUS_PATH differs says so once in its log.
 */
async function openSharedCorpus(
  database: NonNullable<Config['database']>,
  corpusPath: string,
  logger: Logger,
): Promise<ConfiguredCorpus> {
  const store = new PostgresCorpusStore({ url: database.url, shownUrl: database.shownUrl, logger });
  await store.start();
  try {
    const seeded = await store.seedIfEmpty(async () => {
      try {
        return (await readDocumentFiles(corpusPath)).files;
      } catch (error) {
        if (!(error instanceof CorpusError)) throw error;
        throw new CorpusError(
          `The shared corpus in ${database.shownUrl} (DATABASE_URL) has no documents yet, and is seeded from CORPUS_PATH: ${error.message}`,
          { cause: error },
        );
      }
    });
    if (seeded !== undefined) {
      logger.info({ corpusPath, version: seeded }, 'seeded the shared corpus from CORPUS_PATH');
    } else {
      const local = await filesIn(corpusPath);
      if (local && !sameDocuments(local, (await store.read()).documents))
        logger.warn(
          { corpusPath },
          'CORPUS_PATH differs from the shared corpus, which is the one served: it is read only to seed an empty ' +
            'shared corpus. Change documents with /corpus or npm run corpus',
        );
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  return { source: new SharedCorpus(store), vectorCache: (space) => store.embeddingCache(space) };
}

/**
 * The configured corpus: CORPUS_PATH, this process's own; or, with
 * DATABASE_URL, the corpus every process of the deployment shares, with its
 * embedding cache (docs/scaling.md). The caller closes a shared one
 * (`source.close()`; a knowledge base does so when it closes).
 */
export async function openConfiguredCorpus(config: Config, logger: Logger): Promise<ConfiguredCorpus> {
  if (config.database) return openSharedCorpus(config.database, config.corpusPath, logger);
  return { source: new DirectoryCorpus(config.corpusPath) };
}
