import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { ModelLoadError, type Embedder, type EmbeddingKind, type EmbedTimings, type ModelInfo } from './embedder.js';
import {
  cachedModelDirectory,
  DEFAULT_HUB_ENDPOINT,
  downloadModel,
  isDownloadComplete,
  type DownloadProgress,
} from './model-download.js';
import { mappedWeightsFile } from './mapped-weights.js';
import { ModelProcess, type ModelProcessError } from './model-process.js';

/**
 * The embedder of transformers.js models: named, fetched and cached as
 * transformers.js does it (model-download.ts), run by onnxruntime in a child
 * process (embedding-process.mjs, supervised by model-process.ts), so a
 * forward pass never blocks the event loop, and started again if it dies.
 */

export interface TransformersEmbedderOptions {
  model: string;
  isLocalDirectory: boolean;
  cacheDir: string;
  quantized: boolean;
  queryPrefix: string;
  passagePrefix: string;
  /** Where hub models are downloaded from (HF_ENDPOINT); the Hugging Face hub by default. */
  hubEndpoint?: string;
  /**
   * onnxruntime's CPU memory arena. Off by default: with it, the memory the
   * longest pass ever took stays with the process (about 400 MiB more after an
   * index build of the article), and questions were not measurably faster
   * (docs/performance.md#memory).
   */
  cpuMemArena?: boolean;
  /**
   * Weights files at least this large are loaded from a memory-mapped copy
   * (mapped-weights.ts; 16 MiB by default). The tests lower it to map their small models.
   */
  mapWeightsFromBytes?: number;
  /** Told how a download of the model proceeds (only when it is not in the cache yet). */
  onDownloadProgress?: (progress: DownloadProgress) => void;
  /**
   * How long a call of one text may take before the model process counts as
   * hung and is killed (MODEL_TIMEOUT_SECONDS); see model-process.ts' callTimeoutMs.
   */
  timeoutSeconds?: number;
  /** Restarts of the model process allowed in any minute (MODEL_RESTARTS_PER_MINUTE). */
  maxRestartsPerMinute?: number;
  logger?: Logger;
  /** The clock of the restart back-off (tests move it). */
  now?: () => number;
}

const weightsFileOf = (directory: string, quantized: boolean) =>
  path.join(directory, 'onnx', quantized ? 'model_quantized.onnx' : 'model.onnx');

function fingerprintOf(options: TransformersEmbedderOptions): string {
  if (!options.isLocalDirectory) return `hub:${options.model}`;
  const hash = createHash('sha256');
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
    const full = path.join(options.model, file);
    if (existsSync(full)) hash.update(file).update(readFileSync(full));
  }
  // Hashing ~100 MB of weights at every start costs more than it is worth; size and mtime catch a swap.
  const weights = weightsFileOf(options.model, options.quantized);
  if (existsSync(weights)) {
    const info = statSync(weights);
    hash.update(`${info.size}:${info.mtimeMs}`);
  }
  return `dir:${hash.digest('hex').slice(0, 16)}`;
}

function explainLoadFailure(
  options: TransformersEmbedderOptions,
  directory: string,
  error: ModelProcessError,
): ModelLoadError {
  const detail = error.cause ? `${error.message} (${error.cause})` : error.message;
  if (options.isLocalDirectory) {
    return new ModelLoadError(
      `The embedding model directory ${options.model} cannot be used: ${detail}. ` +
        `EMBEDDING_MODEL must point at a transformers.js model directory (config.json, tokenizer.json, tokenizer_config.json, ` +
        `onnx/${options.quantized ? 'model_quantized' : 'model'}.onnx).`,
    );
  }
  return new ModelLoadError(
    `The embedding model "${options.model}" was downloaded into ${directory} but cannot be loaded: ${detail}. ` +
      'Delete that directory and download it again (npm run download-model).',
  );
}

/**
 * Feature extraction (mean pooling, normalised) in a supervised child
 * process ({@link ModelProcess}): one that dies or hangs is started again on a
 * later call; the calls it had not answered fail with ModelUnavailableError.
 */
export class TransformersEmbedder implements Embedder {
  /** The model's local directory: the configured one, or the cache's once downloaded. */
  private directory: string;
  /** The weights the model process loads, when not the directory's own file: their memory-mapped copy. */
  private weightsFile: string | undefined;
  private readonly modelProcess: ModelProcess;

  private constructor(
    private readonly options: TransformersEmbedderOptions,
    public readonly info: ModelInfo,
  ) {
    this.directory = options.isLocalDirectory ? options.model : cachedModelDirectory(options.cacheDir, options.model);
    this.modelProcess = new ModelProcess({
      settings: () => ({
        directory: this.directory,
        quantized: options.quantized,
        cpuMemArena: options.cpuMemArena ?? false,
        weightsFile: this.weightsFile,
      }),
      timeoutSeconds: options.timeoutSeconds,
      maxRestartsPerMinute: options.maxRestartsPerMinute,
      logger: options.logger,
      now: options.now,
      explainLoadFailure: (error) => explainLoadFailure(options, this.directory, error),
    });
  }

  static async load(options: TransformersEmbedderOptions): Promise<TransformersEmbedder> {
    const embedder = new TransformersEmbedder(options, {
      id: options.model,
      dimensions: 0,
      maxTokens: 0,
      queryPrefix: options.queryPrefix,
      passagePrefix: options.passagePrefix,
      quantized: options.quantized,
      fingerprint: fingerprintOf(options),
    });
    await embedder.ensureDownloaded();
    const weights = weightsFileOf(embedder.directory, options.quantized);
    const chosen = await mappedWeightsFile(weights, { fromBytes: options.mapWeightsFromBytes, logger: options.logger });
    if (chosen !== weights) embedder.weightsFile = chosen;
    const loaded = (await embedder.modelProcess.start()) as { dimensions: number; maxTokens: number };
    embedder.info.dimensions = loaded.dimensions;
    embedder.info.maxTokens = loaded.maxTokens;
    return embedder;
  }

  /** A hub model is used from the cache once it arrived whole (no network then); downloaded first otherwise. */
  private async ensureDownloaded(): Promise<void> {
    const { options } = this;
    if (options.isLocalDirectory || isDownloadComplete(this.directory, options.quantized)) return;
    this.directory = await downloadModel(
      {
        model: options.model,
        cacheDir: options.cacheDir,
        quantized: options.quantized,
        endpoint: options.hubEndpoint ?? DEFAULT_HUB_ENDPOINT,
      },
      options.onDownloadProgress,
    );
  }

  private prefixed(texts: readonly string[], kind: EmbeddingKind): string[] {
    const prefix = kind === 'query' ? this.info.queryPrefix : this.info.passagePrefix;
    return texts.map((text) => prefix + text);
  }

  async embed(texts: readonly string[], kind: EmbeddingKind): Promise<Float32Array[]> {
    return (await this.embedWithTimings(texts, kind)).vectors;
  }

  /** {@link embed}, also telling where the time went. */
  async embedWithTimings(
    texts: readonly string[],
    kind: EmbeddingKind,
  ): Promise<{ vectors: Float32Array[]; timings: EmbedTimings }> {
    const started = performance.now();
    if (texts.length === 0)
      return { vectors: [], timings: { tokens: 0, tokenizeMs: 0, forwardMs: 0, poolMs: 0, totalMs: 0 } };
    const { dimensions, data, timings } = (await this.modelProcess.call(
      'embed',
      { texts: this.prefixed(texts, kind) },
      texts.length,
    )) as {
      dimensions: number;
      data: Float32Array;
      timings: Omit<EmbedTimings, 'totalMs'>;
    };
    const vectors = texts.map((_, row) => data.subarray(row * dimensions, (row + 1) * dimensions));
    return { vectors, timings: { ...timings, totalMs: performance.now() - started } };
  }

  async countTokens(texts: readonly string[], kind: EmbeddingKind): Promise<number[]> {
    if (texts.length === 0) return [];
    return (await this.modelProcess.call('count', { texts: this.prefixed(texts, kind) }, texts.length)) as number[];
  }

  /** How many times the model process was started again after it died or hung. */
  get restarts(): number {
    return this.modelProcess.restarts;
  }

  /** How many calls the model process did not answer in time (each time it was killed). */
  get timeouts(): number {
    return this.modelProcess.timeouts;
  }

  /** The model process's id while it runs (for measuring its memory). */
  get modelProcessId(): number | undefined {
    return this.modelProcess.pid;
  }

  /** Stops the model process for good: later calls fail, and nothing starts it again. */
  close(): Promise<void> {
    return this.modelProcess.close();
  }
}
