import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { silentLogger } from '../../logger.js';
import { ModelUnavailableError } from './embedder.js';
import { RestartPolicy } from './restart-policy.js';

/**
 * The model's child process (embedding-process.mjs) as its parent sees it:
 * started, called one message at a time, killed when a call is not answered
 * in time, and started again on a later call after it died, as its
 * {@link RestartPolicy} allows. transformers-embedder.ts puts the embedder
 * around it.
 */

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

/** An error as the model process reports it over IPC. */
export interface ModelProcessError {
  name: string;
  message: string;
  cause?: string;
}

/** What the model process is told at start (embedding-process.mjs reads it from its argument). */
export interface ModelProcessSettings {
  directory: string;
  quantized: boolean;
  cpuMemArena: boolean;
  /** The weights file to load, when not the directory's own: its memory-mapped copy (mapped-weights.ts). */
  weightsFile?: string;
}

export interface ModelProcessOptions {
  settings: () => ModelProcessSettings;
  /** MODEL_TIMEOUT_SECONDS: see {@link callTimeoutMs}. */
  timeoutSeconds?: number;
  /** MODEL_RESTARTS_PER_MINUTE. */
  maxRestartsPerMinute?: number;
  logger?: Logger;
  /** The clock of the restart back-off (tests move it). */
  now?: () => number;
  /** The error a failed load becomes (in words, for the operator). */
  explainLoadFailure: (error: ModelProcessError) => Error;
}

interface Pending {
  child: ChildProcess;
  type: string;
  timeoutMs: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

const modelProcessPath = fileURLToPath(new URL('./embedding-process.mjs', import.meta.url));

/**
 * A model process that dies, or does not answer a call in time (it is killed
 * then), is started again on a later call; the calls it had not answered fail
 * with {@link ModelUnavailableError}.
 */
export class ModelProcess {
  private process: ChildProcess | undefined;
  private nextId = 0;
  /** Calls sent and not yet answered, oldest first (the model process answers them in that order). */
  private readonly pending = new Map<number, Pending>();
  private starts = 0;
  private timedOut = 0;
  private closed = false;
  private readonly restartPolicy: RestartPolicy;
  private readonly timeoutSeconds: number;
  private readonly logger: Logger;
  /** The time limit running for the oldest pending call. */
  private watchdog: { id: number; timer: NodeJS.Timeout } | undefined;

  constructor(private readonly options: ModelProcessOptions) {
    this.timeoutSeconds = options.timeoutSeconds ?? DEFAULT_MODEL_TIMEOUT_SECONDS;
    this.restartPolicy = new RestartPolicy(
      options.maxRestartsPerMinute ?? DEFAULT_MAX_RESTARTS_PER_MINUTE,
      options.now,
    );
    this.logger = options.logger ?? silentLogger;
  }

  /** Starts the model process and resolves with what its load reported. */
  start(): Promise<unknown> {
    this.starts++;
    if (this.starts > 1) this.restartPolicy.restarting();
    const child = fork(modelProcessPath, [JSON.stringify(this.options.settings())], {
      // Typed arrays cross the channel as binary, not as JSON lists of numbers.
      serialization: 'advanced',
      // No inherited loaders or inspector flags: the model process is plain JavaScript. Its own
      // JavaScript is a thin layer around onnxruntime, so V8 may favour memory over speed (a young
      // generation of ~1 MiB rather than ~32), and it collects once after loading the garbage that
      // reading the tokenizer's file left, rather than keep it for hours. V8 works on the main thread
      // only (--single-threaded: no concurrent compiling or marking for a heap of a few MiB), which
      // leaves no memory behind in other threads' malloc arenas: 8 MiB less after 50 questions, no
      // slower (docs/performance.md#memory).
      execArgv: ['--expose-gc', '--optimize-for-size', '--single-threaded'],
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
    return this.send('init', {}, 'load').then(
      (result) => {
        passThrough();
        return result;
      },
      (error: Error & { detail?: ModelProcessError }) => {
        // Retired at once, not when it exits: a call meanwhile must not be sent to it.
        this.retire(child, error);
        child.kill();
        throw this.options.explainLoadFailure(error.detail ?? { name: error.name, message: error.message });
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

  private send(type: string, payload: Record<string, unknown>, texts: number | 'load'): Promise<unknown> {
    const child = this.process;
    if (!child) return Promise.reject(new ModelUnavailableError('the embedding model process is not running'));
    const id = this.nextId++;
    const timeoutMs = callTimeoutMs(this.timeoutSeconds, texts);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { child, type, timeoutMs, resolve, reject });
      this.watchOldestCall();
      this.setReferenced(child, true);
      child.send({ type, id, ...payload }, (error) => {
        // A send fails when the process has just died (EPIPE) before its exit was seen: the same
        // outage, so it is retired now, and the next call starts a new one rather than writing to it.
        if (error)
          this.retire(
            child,
            new ModelUnavailableError(`the embedding model process could not be reached: ${error.message}`, {
              cause: error,
            }),
          );
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

  /** A call of `texts` texts, answered by the model process (started again first if it died). */
  async call(type: 'embed' | 'count', payload: Record<string, unknown>, texts: number): Promise<unknown> {
    await this.ensureRunning();
    return this.send(type, payload, texts);
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
  get pid(): number | undefined {
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
