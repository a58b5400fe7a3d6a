import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { silentLogger } from '../logger.js';
import { EmptyQuestionError, type Answer, type AskOptions, type IndexReport, type ReindexReport } from './answer.js';
import { loadCorpus } from './corpus/corpus.js';
import type { Embedder } from './embedding/embedder.js';
import { buildSnapshot, type IndexBuildOptions, type ProgressListener } from './index/index-builder.js';
import { IndexLock, IndexLockedError } from './index/index-lock.js';
import { RebuildQueue, type CorpusChange } from './rebuild-queue.js';
import {
  IndexUnavailableError,
  readSnapshot,
  removeStale,
  staleReason,
  type IndexSnapshot,
  type Manifest,
} from './index/index-store.js';
import { lexicalTerms, warmUpSegmenter, type LexicalHit } from './search/lexical.js';
import { toSimplifiedScript } from './corpus/normalize.js';
import { QueryBatcher } from './embedding/query-batcher.js';
import { isUsableVector } from './embedding/vector-check.js';
import { barInForce, type BarInForce } from './search/relevance/judge.js';
import { linkedWords, withMeanings, type MeaningEvidence } from './search/relevance/meanings.js';
import { CedictDictionary, type Dictionary } from './search/meaning/dictionary.js';
import { candidateCount, rankPassages, type RankedPassage } from './search/retrieval.js';
import { composeAnswer } from './compose-answer.js';

export type { BuildPhase, BuildProgress, ProgressListener } from './index/index-builder.js';
export type { Answer, AnswerPassage, AskOptions, IndexReport, NextPassage, ReindexReport } from './answer.js';
export { EmptyQuestionError } from './answer.js';

export interface KnowledgeBaseOptions extends IndexBuildOptions {
  corpusPath: string;
  topK?: number;
  /** Overrides the calibrated relevance threshold of the model. */
  minScore?: number;
  /** Coalesce concurrent questions into batched forward passes (on by default). */
  batchQueries?: boolean;
  /** Where synonyms and translations come from (default: CC-CEDICT, opened by open()). */
  dictionary?: Dictionary;
  /** Called before every read of the corpus (tests make the read slow, to race it). */
  beforeReadingCorpus?: () => void | Promise<void>;
}

export type { CorpusChange } from './rebuild-queue.js';

/**
 * The retrieval core: owns the served index snapshot, answers questions from
 * it, and rebuilds it without interrupting answers. No Discord in here.
 */
export class KnowledgeBase {
  private current: IndexSnapshot;
  private readonly rebuilds = new RebuildQueue<ReindexReport>(
    () => this.rebuild(),
    () => this.progressListeners.clear(),
  );
  private readonly progressListeners = new Set<ProgressListener>();
  private readonly batcher: QueryBatcher | undefined;
  readonly logger: Logger;

  private constructor(
    private readonly options: KnowledgeBaseOptions,
    snapshot: IndexSnapshot,
    readonly startReport: IndexReport,
    private readonly dictionary: Dictionary,
    /** The index directory's lock: none when another process holds it (this one then only reads). */
    private lock: IndexLock | undefined,
  ) {
    this.current = snapshot;
    this.logger = options.logger ?? silentLogger;
    this.batcher =
      options.batchQueries === false ? undefined : new QueryBatcher(options.embedder, options.batchSize ?? 16);
  }

  /**
   * Loads the persisted index when it matches the corpus and the model, and
   * builds it otherwise (missing, stale, or damaged files, with a warning).
   * It takes the index directory's lock (index-lock.ts) and holds it until
   * closed; when another live process holds it, a current index is still
   * served (read only: a rebuild then fails), and one that would need building
   * is an {@link IndexLockedError}.
   */
  static async open(options: KnowledgeBaseOptions, onProgress?: ProgressListener): Promise<KnowledgeBase> {
    const acquired = await IndexLock.acquire(options.indexDir);
    const lock = acquired instanceof IndexLock ? acquired : undefined;
    try {
      return await KnowledgeBase.openLocked(
        options,
        lock,
        onProgress,
        'heldBy' in acquired ? acquired.heldBy : undefined,
      );
    } catch (error) {
      await lock?.release();
      throw error;
    }
  }

  private static async openLocked(
    options: KnowledgeBaseOptions,
    lock: IndexLock | undefined,
    onProgress: ProgressListener | undefined,
    heldBy: ConstructorParameters<typeof IndexLockedError>[1] | undefined,
  ): Promise<KnowledgeBase> {
    const logger = options.logger ?? silentLogger;
    const started = performance.now();
    onProgress?.({ phase: 'reading', done: 0, total: 1 });
    await options.beforeReadingCorpus?.();
    const corpus = await loadCorpus(options.corpusPath);
    // Leftovers of interrupted builds are only leftovers to the writer: another process's may be in progress.
    if (lock) await removeStale(options.indexDir);
    else logger.warn({ indexDir: options.indexDir, heldBy }, 'the index is held by another process; reading it only');
    const dictionary = options.dictionary ?? (await CedictDictionary.open());

    let reason: string;
    try {
      const snapshot = await readSnapshot(options.indexDir);
      const stale = staleReason(snapshot.manifest, corpus.contentHash, options.embedder.info, options.hnsw);
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
        logger.info({ passages: report.passages, builtAt: report.builtAt }, 'loaded the persisted index');
        return new KnowledgeBase(options, snapshot, report, dictionary, lock);
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

    if (!lock) throw new IndexLockedError(options.indexDir, heldBy!, `build the index (${reason})`);
    const { snapshot, embedded, reused } = await buildSnapshot(corpus, { ...options, logger }, onProgress);
    const report: IndexReport = {
      action: 'built',
      reason,
      passages: snapshot.manifest.passages.length,
      windows: snapshot.manifest.windows.length,
      embedded,
      reused,
      durationMs: performance.now() - started,
      builtAt: snapshot.manifest.builtAt,
    };
    logger.info(
      {
        passages: report.passages,
        windows: report.windows,
        embedded,
        reused,
        ms: Math.round(report.durationMs),
      },
      'built the index',
    );
    return new KnowledgeBase(options, snapshot, report, dictionary, lock);
  }

  get manifest(): Manifest {
    return this.current.manifest;
  }

  get snapshot(): IndexSnapshot {
    return this.current;
  }

  get embedder(): Embedder {
    return this.options.embedder;
  }

  get isRebuilding(): boolean {
    return this.rebuilds.isRebuilding;
  }

  /** The dense bar in force for the served index: calibrated for its model, unless MIN_SCORE sets it. */
  get bar(): BarInForce {
    return barInForce(this.current.manifest.calibration, this.options.minScore);
  }

  /** Ranked passages without the relevance decision: for evaluation and diagnostics. */
  async rank(question: string, options: AskOptions = {}): Promise<RankedPassage[]> {
    return (await this.rankIn(this.current, question, options)).ranked;
  }

  /** Ranks against one snapshot for the whole question, even if a rebuild swaps in another mid-way. */
  private async rankIn(
    snapshot: IndexSnapshot,
    question: string,
    options: AskOptions,
  ): Promise<{ ranked: RankedPassage[]; meaning: MeaningEvidence | undefined }> {
    const cleaned = question.trim();
    if (!cleaned) throw new EmptyQuestionError();
    const mode = options.mode ?? 'hybrid';
    const limit = options.k ?? this.options.topK ?? 3;
    const pending = mode === 'lexical' ? null : this.embedQuestion(toSimplifiedScript(cleaned));
    // While the model process embeds the question, the lexical half runs here (after one turn, so the question is sent first).
    if (pending) await new Promise((resolve) => setImmediate(resolve));
    let meaning: MeaningEvidence | undefined;
    let lexicalHits: LexicalHit[] | undefined;
    if (mode !== 'dense') {
      // The dictionary's synonyms and translations of the words the article lacks search too.
      const lexical = snapshot.lexical.evidence(cleaned);
      meaning = withMeanings(lexical, snapshot.lexical, this.dictionary);
      lexicalHits = snapshot.lexical.search(
        cleaned,
        candidateCount(snapshot.manifest.passages.length, limit),
        linkedWords(meaning, lexical),
      );
      // Warm the term cache for the highlighter (it analyses the question as asked) while the model still runs.
      lexicalTerms(question);
    }
    const embedded = pending ? await pending : null;
    // A question the model gives no usable vector (all zeros, not finite) has no dense evidence, only lexical.
    const vector = embedded && isUsableVector(embedded, snapshot.manifest.model.dimensions) ? embedded : null;
    return { ranked: rankPassages(snapshot, cleaned, vector, { mode, limit, lexicalHits }), meaning };
  }

  /**
   * The one function that answers a question, for every entry point: the
   * best passages with scores and highlighted sentences, or `answered: false`
   * when nothing clears the relevance bar.
   */
  async ask(question: string, options: AskOptions = {}): Promise<Answer> {
    const k = options.k ?? this.options.topK ?? 3;
    const more = options.more ?? 0;
    // One snapshot for the whole question, even if a rebuild swaps in another mid-way.
    const snapshot = this.current;
    const { ranked, meaning } = await this.rankIn(snapshot, question, { ...options, k: k + more });
    return composeAnswer(
      question,
      snapshot,
      ranked,
      meaning ?? withMeanings(snapshot.lexical.evidence(question.trim()), snapshot.lexical, this.dictionary),
      { k, more, bar: barInForce(snapshot.manifest.calibration, this.options.minScore) },
    );
  }

  private async embedQuestion(text: string): Promise<Float32Array> {
    if (this.batcher) return this.batcher.embed(text);
    const [vector] = await this.options.embedder.embed([text], 'query');
    return vector!;
  }

  /** Follow the progress of the rebuild in flight (if any); returns an unsubscribe function. */
  onProgress(listener: ProgressListener): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /**
   * Re-reads the corpus and rebuilds the index. Questions keep being answered
   * from the old snapshot until the new one is complete; a second call while a
   * rebuild runs (or waits its turn) joins it; a failed rebuild leaves the old
   * index serving. A corpus change queued before it is made first.
   */
  reindex(onProgress?: ProgressListener): Promise<ReindexReport> {
    if (onProgress) this.progressListeners.add(onProgress);
    return this.rebuilds.reindex();
  }

  /**
   * Changes the corpus on disk, then rebuilds, in the queue rebuilds go
   * through (rebuild-queue.ts): after the rebuild in progress, and before any
   * other, so no rebuild reads the corpus half-changed; undone if the rebuild
   * fails.
   */
  changeCorpus<T>(
    change: () => Promise<CorpusChange<T>>,
    onProgress?: ProgressListener,
  ): Promise<{ value: T; report: ReindexReport }> {
    return this.rebuilds.change(async () => {
      const made = await change();
      if (onProgress) this.progressListeners.add(onProgress);
      return made;
    });
  }

  /** Only the holder of the index directory's lock writes it; one that opened it read-only tries to take it now. */
  private async ensureWriter(): Promise<void> {
    if (this.lock && (await this.lock.isHeld())) return;
    const acquired = await IndexLock.acquire(this.options.indexDir);
    if (!(acquired instanceof IndexLock))
      throw new IndexLockedError(this.options.indexDir, acquired.heldBy, 'rebuild the index');
    this.lock = acquired;
  }

  private async rebuild(): Promise<ReindexReport> {
    const started = performance.now();
    const previous = this.current.manifest;
    const notify: ProgressListener = (progress) => {
      for (const listener of this.progressListeners) {
        try {
          listener(progress);
        } catch (error) {
          this.logger.warn({ err: error }, 'a reindex progress listener failed');
        }
      }
    };
    // Told before anything is awaited: a rebuild started from an idle queue reports its first phase at once.
    notify({ phase: 'reading', done: 0, total: 1 });
    await this.ensureWriter();
    await this.options.beforeReadingCorpus?.();
    const corpus = await loadCorpus(this.options.corpusPath);
    const { snapshot, embedded, reused } = await buildSnapshot(
      corpus,
      { ...this.options, logger: this.logger },
      notify,
    );
    this.current = snapshot;

    const before = new Map(previous.passages.map((passage) => [passage.id, passage.text]));
    const after = new Map(snapshot.manifest.passages.map((passage) => [passage.id, passage.text]));
    const report: ReindexReport = {
      action: 'built',
      reason: 'reindex requested',
      passages: after.size,
      windows: snapshot.manifest.windows.length,
      embedded,
      reused,
      durationMs: performance.now() - started,
      builtAt: snapshot.manifest.builtAt,
      previousPassages: before.size,
      added: [...after.keys()].filter((id) => !before.has(id)).length,
      removed: [...before.keys()].filter((id) => !after.has(id)).length,
      changed: [...after].filter(([id, text]) => before.has(id) && before.get(id) !== text).length,
    };
    this.logger.info({ ...report, durationMs: Math.round(report.durationMs) }, 'reindexed');
    return report;
  }

  async close(): Promise<void> {
    await this.rebuilds.idle();
    await this.lock?.release();
    await this.options.embedder.close();
    if (!this.options.dictionary) this.dictionary.close();
  }
}
