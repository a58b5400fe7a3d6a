import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { silentLogger } from '../logger.js';
import { EmptyQuestionError, type Answer, type AskOptions, type IndexReport, type ReindexReport } from './answer.js';
import { CorpusFollower } from './corpus-follower.js';
import type { CorpusSource } from './corpus-source.js';
import { DirectoryCorpus } from './directory-corpus.js';
import type { Embedder } from './embedding/embedder.js';
import { buildSnapshot, type IndexBuildOptions, type ProgressListener } from './index/index-builder.js';
import { IndexLock, IndexLockedError } from './index/index-lock.js';
import { loadOrBuild, reindexReport, type LoadedIndex } from './index-loading.js';
import { RebuildQueue, type CorpusChange } from './rebuild-queue.js';
import { removeStale, type IndexSnapshot, type Manifest } from './index/index-store.js';
import { lexicalTerms, type LexicalHit } from './search/lexical.js';
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
  /** The corpus file or directory (CORPUS_PATH): where the documents are read from, unless `corpus` says otherwise. */
  corpusPath: string;
  /** Where the documents live, when not in `corpusPath` (a corpus shared by a deployment); closed with the knowledge base. */
  corpus?: CorpusSource;
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
  /** The shared corpus's version the served index was built from (undefined for a corpus of this process's own). */
  private version: number | undefined;
  private readonly rebuilds: RebuildQueue<ReindexReport>;
  private readonly progressListeners = new Set<ProgressListener>();
  private readonly batcher: QueryBatcher | undefined;
  /** Set by a /reindex: the next rebuild tells the other processes of a shared corpus to rebuild too. */
  private announceNext = false;
  private follower: CorpusFollower | undefined;
  /** Passage windows this process's builds embedded, and took from the embedding cache, since it started. */
  readonly windowsBuilt: { embedded: number; reused: number };
  readonly logger: Logger;

  private constructor(
    private readonly options: KnowledgeBaseOptions,
    readonly corpusSource: CorpusSource,
    loaded: LoadedIndex,
    private readonly dictionary: Dictionary,
    /** The index directory's lock: none when another process holds it (this one then only reads). */
    private lock: IndexLock | undefined,
  ) {
    this.current = loaded.snapshot;
    this.version = loaded.version;
    this.startReport = loaded.report;
    this.windowsBuilt = { embedded: loaded.report.embedded, reused: loaded.report.reused };
    this.logger = options.logger ?? silentLogger;
    this.batcher =
      options.batchQueries === false ? undefined : new QueryBatcher(options.embedder, options.batchSize ?? 16);
    const exclusive = corpusSource.exclusively?.bind(corpusSource);
    this.rebuilds = new RebuildQueue<ReindexReport>(
      () => this.rebuild(),
      () => this.progressListeners.clear(),
      exclusive ? (work) => exclusive(work) : undefined,
    );
  }

  readonly startReport: IndexReport;

  /**
   * Loads the persisted index when it matches the corpus and the model, and
   * builds it otherwise (index-loading.ts). It takes the index directory's
   * lock (index-lock.ts) and holds it until closed; when another live
   * process holds it, a current index is still served (read only: a rebuild
   * then fails), and one that would need building is an {@link IndexLockedError}.
   */
  static async open(options: KnowledgeBaseOptions, onProgress?: ProgressListener): Promise<KnowledgeBase> {
    const source = options.corpus ?? new DirectoryCorpus(options.corpusPath);
    const acquired = await IndexLock.acquire(options.indexDir);
    const lock = acquired instanceof IndexLock ? acquired : undefined;
    try {
      const logger = options.logger ?? silentLogger;
      // Leftovers of interrupted builds are only leftovers to the writer: another process's may be in progress.
      if (lock) await removeStale(options.indexDir);
      else if ('heldBy' in acquired)
        logger.warn(
          { indexDir: options.indexDir, heldBy: acquired.heldBy },
          'the index is held by another process; reading it only',
        );
      const loaded = await loadOrBuild(
        {
          ...options,
          logger,
          source,
          writer: 'heldBy' in acquired ? { held: false, heldBy: acquired.heldBy } : { held: true },
        },
        onProgress,
      );
      const dictionary = options.dictionary ?? (await CedictDictionary.open());
      return new KnowledgeBase(options, source, loaded, dictionary, lock);
    } catch (error) {
      await lock?.release();
      throw error;
    }
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

  /** The version of the shared corpus the served index was built from; undefined for a corpus of this process's own. */
  get corpusVersion(): number | undefined {
    return this.version;
  }

  /**
   * Keeps the served index on the latest version of a shared corpus: when
   * another process commits a change (or a /reindex), this one rebuilds from
   * the shared documents through its queue of rebuilds, answering from the
   * index in force until the new one is ready. Nothing for a corpus of this
   * process's own.
   */
  followCorpus(): void {
    const follow = this.corpusSource.follow?.bind(this.corpusSource);
    if (this.follower || !follow) return;
    this.follower = new CorpusFollower(follow, {
      inForce: () => this.version,
      rebuild: () => this.rebuilds.reindex(),
      idle: () => this.rebuilds.idle(),
      logger: this.logger,
    });
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
    // A rebuild in progress already reads the latest documents; a new one is told to every process of a shared corpus.
    if (!this.corpusSource.announceReindex || this.rebuilds.isRebuilding) return this.rebuilds.reindex();
    this.announceNext = true;
    const rebuilt = this.rebuilds.reindex();
    // A rebuild that never started (the deployment's lock out of reach) leaves nothing for a later one to announce.
    rebuilt.catch(() => {
      if (!this.rebuilds.isRebuilding) this.announceNext = false;
    });
    return rebuilt;
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
    const announce = this.announceNext;
    this.announceNext = false;
    await this.ensureWriter();
    if (announce) await this.corpusSource.announceReindex?.();
    await this.options.beforeReadingCorpus?.();
    const { corpus, version } = await this.corpusSource.read();
    const built = await buildSnapshot(corpus, { ...this.options, logger: this.logger }, notify);
    this.current = built.snapshot;
    this.version = version;
    this.windowsBuilt.embedded += built.embedded;
    this.windowsBuilt.reused += built.reused;

    const report = reindexReport(previous, built, performance.now() - started);
    this.logger.info({ ...report, durationMs: Math.round(report.durationMs), corpusVersion: version }, 'reindexed');
    return report;
  }

  async close(): Promise<void> {
    this.follower?.stop();
    await this.rebuilds.idle();
    await this.corpusSource.close?.();
    await this.lock?.release();
    await this.options.embedder.close();
    if (!this.options.dictionary) this.dictionary.close();
  }
}
