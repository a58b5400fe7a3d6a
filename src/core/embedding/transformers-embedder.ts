import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { silentLogger } from '../../logger.js';
import {
  ModelLoadError,
  ModelUnavailableError,
  type Embedder,
  type EmbeddingKind,
  type EmbedTimings,
  type ModelInfo,
} from './embedder.js';
import {
  cachedModelDirectory,
  DEFAULT_HUB_ENDPOINT,
  downloadModel,
  isDownloadComplete,
  type DownloadProgress,
} from './model-download.js';
import { RestartPolicy } from './restart-policy.js';

/**
 * The embedder of transformers.js models: named, fetched and cached as
 * transformers.js does it (model-download.ts), run by onnxruntime in a child
 * process (embedding-process.mjs), so a forward pass never blocks the event
 * loop, and started again if it dies.
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
  /** Told how a download of the model proceeds (only when it is not in the cache yet). */
  onDownloadProgress?: (progress: DownloadProgress) => void;
  /**
   * How long a call of one text may take before the model process counts as
   * hung and is killed (MODEL_TIMEOUT_SECONDS); see {@link callTimeoutMs}.
   */
  timeoutSeconds?: number;
  /** Restarts of the model process allowed in any minute (MODEL_RESTARTS_PER_MINUTE). */
  maxRestartsPerMinute?: number;
  logger?: Logger;
  /** The clock of the restart back-off (tests move it). */
  now?: () => number;
}

export const DEFAULT_MODEL_TIMEOUT_SECONDS = 30;
export const DEFAULT_MAX_RESTARTS_PER_MINUTE = 5;

/**
 * A call's time limit, counted from when the model process reaches it (it
 * works through calls one at a time): the limit of one text, plus an eighth of
 * it per text, so a batch of 16 passages gets three times a question's.
 * Loading the model gets at least a minute.
 */
export function callTimeoutMs(timeoutSeconds: number, texts: number | 'load'): number {
  if (texts === 'load') return Math.max(60_000, timeoutSeconds * 4000);
  return timeoutSeconds * 1000 * (1 + texts / 8);
}

interface ModelProcessError {
  name: string;
  message: string;
  cause?: string;
}

interface Pending {
  child: ChildProcess;
  type: string;
  timeoutMs: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

const modelProcessPath = fileURLToPath(new URL('./embedding-process.mjs', import.meta.url));

function fingerprintOf(options: TransformersEmbedderOptions): string {
  if (!options.isLocalDirectory) return `hub:${options.model}`;
  const hash = createHash('sha256');
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
    const full = path.join(options.model, file);
    if (existsSync(full)) hash.update(file).update(readFileSync(full));
  }
  // Hashing ~100 MB of weights at every start costs more than it is worth; size and mtime catch a swap.
  const weights = path.join(options.model, 'onnx', options.quantized ? 'model_quantized.onnx' : 'model.onnx');
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
 * Feature extraction (mean pooling, normalised) in a child process. A model
 * process that dies, or does not answer a call in time (it is killed then), is
 * started again on a later call, as its {@link RestartPolicy} allows; the calls
 * it had not answered fail with {@link ModelUnavailableError}.
 */
export class TransformersEmbedder implements Embedder {
  private process: ChildProcess | undefined;
  private nextId = 0;
  /** Calls sent and not yet answered, oldest first (the model process answers them in that order). */
  private readonly pending = new Map<number, Pending>();
  /** The model's local directory: the configured one, or the cache's once downloaded. */
  private directory: string;
  private starts = 0;
  private timedOut = 0;
  private closed = false;
  private readonly restartPolicy: RestartPolicy;
  private readonly timeoutSeconds: number;
  private readonly logger: Logger;
  /** The time limit running for the oldest pending call. */
  private watchdog: { id: number; timer: NodeJS.Timeout } | undefined;

  private constructor(
    private readonly options: TransformersEmbedderOptions,
    public readonly info: ModelInfo,
  ) {
    this.directory = options.isLocalDirectory ? options.model : cachedModelDirectory(options.cacheDir, options.model);
    this.timeoutSeconds = options.timeoutSeconds ?? DEFAULT_MODEL_TIMEOUT_SECONDS;
    this.restartPolicy = new RestartPolicy(
      options.maxRestartsPerMinute ?? DEFAULT_MAX_RESTARTS_PER_MINUTE,
      options.now,
    );
    this.logger = options.logger ?? silentLogger;
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
    const loaded = (await embedder.start()) as { dimensions: number; maxTokens: number };
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

  private start(): Promise<unknown> {
    this.starts++;
    if (this.starts > 1) this.restartPolicy.restarting();
    const settings = {
      directory: this.directory,
      quantized: this.options.quantized,
      cpuMemArena: this.options.cpuMemArena ?? false,
    };
    const child = fork(modelProcessPath, [JSON.stringify(settings)], {
      // Typed arrays cross the channel as binary, not as JSON lists of numbers.
      serialization: 'advanced',
      // No inherited loaders or inspector flags: the model process is plain JavaScript. Its own
      // JavaScript is a thin layer around onnxruntime, so V8 may favour memory over speed (a young
      // generation of ~1 MiB rather than ~32), and it collects once after loading the garbage that
      // parsing the tokenizer's file left, rather than keep it for hours.
      execArgv: ['--expose-gc', '--optimize-for-size'],
      // stdout belongs to `ask --json`: whatever the model library prints goes to stderr.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    // Until the model has loaded, its library's own output (a stack trace for a
    // damaged file) is held back: the load error explains the problem instead.
    const heldBack: Buffer[] = [];
    const hold = (chunk: Buffer) => heldBack.push(chunk);
    child.stdout?.on('data', hold);
    child.stderr?.on('data', hold);
    const passThrough = () => {
      child.stdout?.off('data', hold);
      child.stderr?.off('data', hold);
      for (const chunk of heldBack.splice(0)) process.stderr.write(chunk);
      child.stdout?.pipe(process.stderr);
      child.stderr?.pipe(process.stderr);
    };
    this.setReferenced(child, false);
    child.on('message', (message: { id: number; result?: unknown; error?: ModelProcessError }) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      this.watchOldestCall();
      if (pending.type !== 'init') this.restartPolicy.succeeded();
      if (message.error) {
        const error = new Error(message.error.message);
        error.name = message.error.name;
        (error as Error & { detail?: ModelProcessError }).detail = message.error;
        pending.reject(error);
      } else pending.resolve(message.result);
    });
    child.on('error', (error) =>
      this.retire(child, new ModelUnavailableError(`the embedding model process failed: ${error.message}`)),
    );
    child.on('exit', (code, signal) =>
      this.retire(child, new ModelUnavailableError(`the embedding model process exited (${signal ?? `code ${code}`})`)),
    );
    this.process = child;
    return this.call('init', {}, 'load').then(
      (result) => {
        passThrough();
        return result;
      },
      (error: Error & { detail?: ModelProcessError }) => {
        // Retired at once, not when it exits: a call meanwhile must not be sent to it.
        this.retire(child, error);
        child.kill();
        throw explainLoadFailure(
          this.options,
          this.directory,
          error.detail ?? { name: error.name, message: error.message },
        );
      },
    );
  }

  /** An idle model process must not keep a finished CLI alive; a busy one must. */
  private setReferenced(child: ChildProcess, referenced: boolean): void {
    const handles = [child, child.channel, child.stdout, child.stderr] as Array<
      { ref?: () => void; unref?: () => void } | null | undefined
    >;
    for (const handle of handles) (referenced ? handle?.ref : handle?.unref)?.call(handle);
  }

  /**
   * Ends the use of a model process that died, hung or failed: its unanswered
   * calls fail with `error`, and it counts as a failure for the restart policy
   * (once, however many ways it ends).
   */
  private retire(child: ChildProcess, error: Error): void {
    if (this.process === child) {
      this.process = undefined;
      if (!this.closed) this.restartPolicy.failed();
    }
    for (const [id, pending] of this.pending) {
      if (pending.child !== child) continue;
      this.pending.delete(id);
      pending.reject(error);
    }
    this.watchOldestCall();
  }

  /**
   * Keeps one time limit running, for the oldest pending call, counted from
   * when the model process reached it: the calls behind it wait their turn
   * without using up their own limit.
   */
  private watchOldestCall(): void {
    const oldest = this.pending.entries().next();
    if (!oldest.done && this.watchdog?.id === oldest.value[0]) return;
    if (this.watchdog) clearTimeout(this.watchdog.timer);
    this.watchdog = undefined;
    if (oldest.done) return;
    const [id, { child, timeoutMs }] = oldest.value;
    const timer = setTimeout(() => this.timeOut(child, timeoutMs), timeoutMs);
    // The busy model process keeps the event loop alive, not its watchdog.
    timer.unref();
    this.watchdog = { id, timer };
  }

  /** A model process that does not answer is killed: the questions waiting for it get "try again". */
  private timeOut(child: ChildProcess, timeoutMs: number): void {
    this.timedOut++;
    const seconds = Math.round(timeoutMs / 100) / 10;
    this.logger.warn(
      { pid: child.pid, timeoutSeconds: seconds, waiting: this.pending.size },
      'the embedding model did not answer in time; killing its process to start it again',
    );
    this.retire(
      child,
      new ModelUnavailableError(`the embedding model did not answer within ${seconds} s; its process was killed`),
    );
    // SIGKILL: a process stuck in native code (a deadlock, a swapped-out host) may never act on SIGTERM.
    child.kill('SIGKILL');
  }

  private call(type: string, payload: Record<string, unknown>, texts: number | 'load' = 1): Promise<unknown> {
    const child = this.process;
    if (!child) return Promise.reject(new ModelUnavailableError('the embedding model process is not running'));
    const id = this.nextId++;
    const timeoutMs = callTimeoutMs(this.timeoutSeconds, texts);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { child, type, timeoutMs, resolve, reject });
      this.watchOldestCall();
      this.setReferenced(child, true);
      child.send({ type, id, ...payload }, (error) => {
        if (!error || !this.pending.has(id)) return;
        this.pending.delete(id);
        this.watchOldestCall();
        reject(error);
      });
    }).finally(() => {
      if (this.pending.size === 0) this.setReferenced(child, false);
    });
  }

  /**
   * Starts the model process again if it died or was killed (it is loaded
   * anew: a few seconds for a real model), when the restart policy allows;
   * fails with {@link ModelUnavailableError} otherwise. Never after close().
   */
  private async ensureRunning(): Promise<void> {
    if (this.closed) throw new ModelUnavailableError('the embedding model was closed');
    if (this.process) return;
    const waitMs = this.restartPolicy.waitMs();
    if (waitMs > 0)
      throw new ModelUnavailableError(
        `the embedding model process failed; it is started again in ${Math.ceil(waitMs / 1000)} s`,
      );
    this.logger.warn({ restarts: this.starts }, 'starting the embedding model process again');
    try {
      await this.start();
    } catch (error) {
      if (error instanceof ModelUnavailableError) throw error;
      throw new ModelUnavailableError(`the embedding model could not be started again: ${(error as Error).message}`, {
        cause: error,
      });
    }
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
    await this.ensureRunning();
    const { dimensions, data, timings } = (await this.call(
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
    await this.ensureRunning();
    return (await this.call('count', { texts: this.prefixed(texts, kind) }, texts.length)) as number[];
  }

  /** How many times the model process was started again after it died or hung. */
  get restarts(): number {
    return Math.max(0, this.starts - 1);
  }

  /** How many calls the model process did not answer in time (each time it was killed). */
  get timeouts(): number {
    return this.timedOut;
  }

  /** The model process's id while it runs (for measuring its memory). */
  get modelProcessId(): number | undefined {
    return this.process?.pid;
  }

  /** Stops the model process for good: later calls fail, and nothing starts it again. */
  async close(): Promise<void> {
    this.closed = true;
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    this.setReferenced(child, true); // keep the caller's event loop alive until the process is gone
    child.kill();
    await exited;
  }
}
