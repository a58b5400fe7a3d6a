import type { Config } from '../../src/config/config.js';
import type { Embedder, EmbeddingKind } from '../../src/core/embedding/embedder.js';
import { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import { PostgresCorpusStore, type PostgresCorpusStoreOptions } from '../../src/store/postgres/corpus-store.js';
import { openConfiguredCorpus } from '../../src/startup/open-corpus.js';
import { copyOfCorpus, tempDir, testConfig } from './fixtures.js';
import { SyntheticEmbedder } from './synthetic-embedder.js';

/** A short document to add: two paragraphs under a heading, found by 台积电 and 苹果公司. */
export const NOTE = '# 补充说明\n\n苹果公司没有参与这场竞争。\n\n台积电的产能依旧紧张。\n';

/** Waits until `condition` holds, checking every 50 ms; throws after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = 'the condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} was not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The shared corpus's store as one process opens it (started: migrated), on the database at `url`. */
export async function startCorpusStore(
  url: string,
  options: Partial<PostgresCorpusStoreOptions> = {},
): Promise<PostgresCorpusStore> {
  const store = new PostgresCorpusStore({ url, shownUrl: url.replace(/:[^:@/]+@/, ':***@'), ...options });
  await store.start();
  return store;
}

/** The synthetic model, remembering every passage text it embedded; it fails passages, as a crashed model would, when told. */
export class CountingEmbedder implements Embedder {
  readonly passages: string[] = [];
  failPassages = false;
  private readonly inner = new SyntheticEmbedder('synthetic-model', 0);

  get info() {
    return this.inner.info;
  }

  async embed(texts: readonly string[], kind: EmbeddingKind): Promise<Float32Array[]> {
    if (kind === 'passage' && this.failPassages) throw new Error('the embedding worker exited with code 134');
    if (kind === 'passage') this.passages.push(...texts);
    return this.inner.embed(texts, kind);
  }

  countTokens(texts: readonly string[]): Promise<number[]> {
    return this.inner.countTokens(texts);
  }

  async close(): Promise<void> {}
}

/** One process of a deployment sharing DATABASE_URL: its settings, and its knowledge base with its own index. */
export interface SharedProcess {
  config: Config;
  knowledgeBase: KnowledgeBase;
  embedder: CountingEmbedder;
}

/**
 * Opens a knowledge base as `npm start` does with DATABASE_URL (the shared
 * corpus and embedding cache, seeded from its own copy of the article if
 * empty), around the synthetic model, with an index directory of its own.
 */
export async function openSharedProcess(
  url: string,
  options: {
    logger?: Logger;
    /** Its CORPUS_PATH: a fresh copy of the article by default. */
    corpusPath?: string;
    beforeReadingCorpus?: () => Promise<void>;
  } = {},
): Promise<SharedProcess> {
  const { logger, corpusPath, beforeReadingCorpus } = options;
  const config = testConfig({ DATABASE_URL: url, CORPUS_PATH: corpusPath ?? (await copyOfCorpus()) });
  const embedder = new CountingEmbedder();
  const corpus = await openConfiguredCorpus(config, logger ?? silentLogger);
  const knowledgeBase = await KnowledgeBase.open({
    corpusPath: config.corpusPath,
    indexDir: await tempDir('index-'),
    embedder,
    logger,
    corpus: corpus.source,
    vectorCache: corpus.vectorCache,
    beforeReadingCorpus,
  });
  return { config, knowledgeBase, embedder };
}
