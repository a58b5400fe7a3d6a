import type { Config } from './config.js';
import { TransformersEmbedder } from './core/embedder.js';
import { KnowledgeBase, type ProgressListener } from './core/knowledge-base.js';
import type { Logger } from './logger.js';

/** Wires the configured model and paths into a ready knowledge base: shared by the bot and the CLI. */
export async function openKnowledgeBase(config: Config, logger: Logger, onProgress?: ProgressListener): Promise<KnowledgeBase> {
  logger.info({ model: config.embedding.model }, 'loading the embedding model');
  const embedder = await TransformersEmbedder.load({
    model: config.embedding.model,
    isLocalDirectory: config.embedding.isLocalDirectory,
    cacheDir: config.embedding.cacheDir,
    quantized: config.embedding.quantized,
    queryPrefix: config.embedding.queryPrefix,
    passagePrefix: config.embedding.passagePrefix,
  });
  logger.info({ model: embedder.info.id, dimensions: embedder.info.dimensions, maxTokens: embedder.info.maxTokens }, 'embedding model ready');
  try {
    return await KnowledgeBase.open(
      {
        corpusPath: config.corpusPath,
        indexDir: config.indexDir,
        embedder,
        logger,
        batchSize: config.embedding.batchSize,
        topK: config.retrieval.topK,
        minScore: config.retrieval.minScore,
      },
      onProgress,
    );
  } catch (error) {
    await embedder.close();
    throw error;
  }
}
