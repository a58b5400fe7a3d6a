import type { Config } from '../config/config.js';
import type { Embedder } from '../core/embedding/embedder.js';
import { TransformersEmbedder } from '../core/embedding/transformers-embedder.js';
import { KnowledgeBase, type KnowledgeBaseOptions, type ProgressListener } from '../core/knowledge-base.js';
import type { Logger } from '../logger.js';
import type { DownloadProgress } from '../core/embedding/model-download.js';
import { openConfiguredCorpus, type ConfiguredCorpus } from './open-corpus.js';

/** A download in the log: a line when a file starts and at each quarter of it. */
function downloadLogger(logger: Logger, endpoint: string): (progress: DownloadProgress) => void {
  let lastFile = '';
  let lastQuarter = -1;
  return ({ file, loaded, total }) => {
    const quarter = total > 0 ? Math.floor((loaded / total) * 4) : 0;
    if (file === lastFile && quarter === lastQuarter) return;
    if (file !== lastFile) logger.info({ file, endpoint }, 'downloading the embedding model');
    else logger.info({ file, loaded, total }, 'downloading the embedding model');
    lastFile = file;
    lastQuarter = quarter;
  };
}

/** Loads the configured embedding model (in its own process). */
export async function loadConfiguredEmbedder(config: Config, logger: Logger): Promise<TransformersEmbedder> {
  logger.info({ model: config.embedding.model }, 'loading the embedding model');
  const embedder = await TransformersEmbedder.load({
    model: config.embedding.model,
    isLocalDirectory: config.embedding.isLocalDirectory,
    cacheDir: config.embedding.cacheDir,
    hubEndpoint: config.embedding.hubEndpoint,
    quantized: config.embedding.quantized,
    queryPrefix: config.embedding.queryPrefix,
    passagePrefix: config.embedding.passagePrefix,
    onDownloadProgress: downloadLogger(logger, config.embedding.hubEndpoint),
    timeoutSeconds: config.embedding.timeoutSeconds,
    maxRestartsPerMinute: config.embedding.maxRestartsPerMinute,
    logger,
  });
  logger.info(
    { model: embedder.info.id, dimensions: embedder.info.dimensions, maxTokens: embedder.info.maxTokens },
    'embedding model ready',
  );
  return embedder;
}

/** The knowledge base's options as the configuration sets them, around a given embedder. */
export function knowledgeBaseOptions(config: Config, embedder: Embedder, logger: Logger): KnowledgeBaseOptions {
  return {
    corpusPath: config.corpusPath,
    indexDir: config.indexDir,
    embedder,
    logger,
    batchSize: config.embedding.batchSize,
    topK: config.retrieval.topK,
    minScore: config.retrieval.minScore,
  };
}

/**
 * Wires the configured corpus (CORPUS_PATH, or the one shared through
 * DATABASE_URL), model and paths into a ready knowledge base: shared by the
 * bot and the CLI. The corpus comes first: a database that cannot be used
 * stops start-up before the model is loaded.
 */
export async function openKnowledgeBase(
  config: Config,
  logger: Logger,
  onProgress?: ProgressListener,
): Promise<KnowledgeBase> {
  const corpus: ConfiguredCorpus = await openConfiguredCorpus(config, logger);
  let embedder: Embedder | undefined;
  try {
    embedder = await loadConfiguredEmbedder(config, logger);
    return await KnowledgeBase.open(
      {
        ...knowledgeBaseOptions(config, embedder, logger),
        corpus: corpus.source,
        ...(corpus.vectorCache ? { vectorCache: corpus.vectorCache } : {}),
      },
      onProgress,
    );
  } catch (error) {
    await embedder?.close();
    await corpus.source.close?.();
    throw error;
  }
}
