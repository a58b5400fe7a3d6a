/** A change of the corpus on disk, made through {@link RebuildQueue.change}: what it yields, and how to undo it. */
export interface CorpusChange<T> {
  value: T;
  undo: () => Promise<void>;
}

/**
 * A change whose rebuild failed and which could not be undone (the shared
 * corpus's database went away meanwhile): the change stands, and the index
 * is rebuilt from it once that is possible.
 */
export class UndoFailedError extends Error {
  constructor(
    readonly rebuildError: unknown,
    undoError: unknown,
  ) {
    super(
      `the rebuild failed (${rebuildError instanceof Error ? rebuildError.message : String(rebuildError)}) ` +
        `and the change could not be undone (${undoError instanceof Error ? undoError.message : String(undoError)})`,
      { cause: undoError },
    );
    this.name = 'UndoFailedError';
  }
}

/** Runs a task while no other process of the deployment runs one (corpus-source.ts), or at once. */
export type Exclusive = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * Rebuilds and corpus changes, one at a time, in the order asked: a change
 * never lands on disk while a rebuild reads the corpus, so the index served
 * always matches a corpus that existed as a whole. A rebuild asked for while
 * one runs (or waits its turn) joins it. With a shared corpus each task also
 * runs under the deployment's lock (`exclusive`), so a rebuild never reads a
 * change half-made by another process either.
 */
export class RebuildQueue<Report> {
  private queue: Promise<unknown> = Promise.resolve();
  /** Tasks queued and not yet settled. */
  private busy = 0;
  private running: Promise<Report> | undefined;
  private waiting: Promise<Report> | undefined;

  constructor(
    private readonly rebuild: () => Promise<Report>,
    /** Called when a rebuild ends, however it ends. */
    private readonly onRebuildEnd: () => void,
    private readonly exclusive: Exclusive = (work) => work(),
  ) {}

  get isRebuilding(): boolean {
    return this.running !== undefined;
  }

  /** A rebuild: the one running, or the one waiting its turn, or a new one at the end of the queue. */
  reindex(): Promise<Report> {
    if (this.running) return this.running;
    if (this.waiting) return this.waiting;
    // Known once serially() returns; on an idle queue the task has run by then.
    const queued: { promise?: Promise<Report> } = {};
    queued.promise = this.serially(() => {
      if (queued.promise !== undefined && this.waiting === queued.promise) this.waiting = undefined;
      return this.start();
    });
    // On an idle queue it started at once and is running; otherwise it waits its turn.
    if (!this.running) this.waiting = queued.promise;
    return queued.promise;
  }

  /**
   * Changes the corpus, then rebuilds, after whatever is queued. A change
   * that throws changed nothing; a rebuild that fails is undone, and the
   * failure passed on (as an {@link UndoFailedError} if undoing failed too).
   */
  change<T>(change: () => Promise<CorpusChange<T>>): Promise<{ value: T; report: Report }> {
    return this.serially(async () => {
      const { value, undo } = await change();
      try {
        return { value, report: await this.start() };
      } catch (error) {
        try {
          await undo();
        } catch (undoError) {
          throw new UndoFailedError(error, undoError);
        }
        throw error;
      }
    });
  }

  /** Resolves once everything queued so far is done. */
  async idle(): Promise<void> {
    await this.queue;
  }

  private start(): Promise<Report> {
    const running: Promise<Report> = this.rebuild().finally(() => {
      if (this.running === running) this.running = undefined;
      this.onRebuildEnd();
    });
    this.running = running;
    return running;
  }

  /**
   * Runs tasks one after another, whatever happens to the one before. On an
   * idle queue a task starts at once, in the caller's turn, as a rebuild did
   * before there was a queue (its first progress report comes before anything
   * else the caller does).
   */
  private serially<T>(task: () => Promise<T>): Promise<T> {
    const exclusively = () => this.exclusive(task);
    const result = this.busy === 0 ? exclusively() : this.queue.then(exclusively, exclusively);
    this.busy++;
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.queue = settled.then(() => {
      this.busy--;
    });
    return result;
  }
}
