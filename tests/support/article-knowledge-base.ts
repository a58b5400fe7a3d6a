import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseConfig, type Config } from '../../src/config/config.js';
import type { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { silentLogger } from '../../src/logger.js';
import { openKnowledgeBase } from '../../src/startup/open-knowledge-base.js';
import { PROJECT_ROOT } from './fixtures.js';
import { corpusText } from './make-tiny-model.js';
import { createTinyModel } from './tiny-model.js';

/** The shipped article, as the tests of retrieval and answers read it. */
export const ARTICLE_CORPUS = path.join(PROJECT_ROOT, 'corpus');

export interface ArticleKnowledgeBase {
  knowledgeBase: KnowledgeBase;
  /** The settings it was opened with (a tiny model over the article, an index in a temporary directory). */
  config: Config;
  close(): Promise<void>;
}

/**
 * The knowledge base over the shipped article with the tiny test model (its vocabulary made from the
 * article), opened through the production path, in a temporary directory that close() removes.
 */
export async function openArticleKnowledgeBase(prefix: string): Promise<ArticleKnowledgeBase> {
  const temporary = await mkdtemp(path.join(os.tmpdir(), prefix));
  const model = await createTinyModel(path.join(temporary, 'model'), {
    vocabularyText: await corpusText(ARTICLE_CORPUS),
  });
  const config = parseConfig({
    EMBEDDING_MODEL: model,
    INDEX_DIR: path.join(temporary, 'index'),
    CORPUS_PATH: ARTICLE_CORPUS,
  });
  const knowledgeBase = await openKnowledgeBase(config, silentLogger);
  return {
    knowledgeBase,
    config,
    async close() {
      await knowledgeBase.close();
      await rm(temporary, { recursive: true, force: true });
    },
  };
}
