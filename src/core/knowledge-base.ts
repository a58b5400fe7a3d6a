import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { silentLogger } from '../logger.js';
import { EmptyQuestionError, type Answer, type AskOptions, type IndexReport, type ReindexReport } from './answer.js';
import { loadCorpus } from './corpus/corpus.js';
import type { Embedder } from './embedding/embedder.js';
import { buildSnapshot, type IndexBuildOptions, type ProgressListener } from './index/index-builder.js';
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
import type { RelevanceEvidence } from './search/relevance/decision.js';
import { barInForce, decideOutcome, judgePassages, type BarInForce } from './search/relevance/judge.js';
import { linkedWords, withMeanings, type MeaningEvidence } from './search/relevance/meanings.js';
import { asSpelledIn } from './corpus/normalize.js';
import { CedictDictionary, type Dictionary } from './search/meaning/dictionary.js';
import { candidateCount, highlightSentences, rankPassages, type RankedPassage } from './search/retrieval.js';

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
}

const NO_EVIDENCE: RelevanceEvidence = { dense: 0, lexical: 0, gap: 0, score: 0, relevant: false };

/**
 * The retrieval core: owns the served index snapshot, answers questions from
 * it, and rebuilds it without interrupting answers. No Discord in here.
 */
export class KnowledgeBase {
  private current: IndexSnapshot;
  private rebuilding: Promise<ReindexReport> | undefined;
  private readonly progressListeners = new Set<ProgressListener>();
  private readonly batcher: QueryBatcher | undefined;
  readonly logger: Logger;

  private constructor(
    private readonly options: KnowledgeBaseOptions,
    snapshot: IndexSnapshot,
    readonly startReport: IndexReport,
    private readonly dictionary: Dictionary,
  ) {
    this.current = snapshot;
    this.logger = options.logger ?? silentLogger;
    this.batcher =
      options.batchQueries === false ? undefined : new QueryBatcher(options.embedder, options.batchSize ?? 16);
  }

  /**
   * Loads the persisted index when it matches the corpus and the model, and
   * builds it otherwise (missing, stale, or damaged files, with a warning).
   */
  static async open(options: KnowledgeBaseOptions, onProgress?: ProgressListener): Promise<KnowledgeBase> {
    const logger = options.logger ?? silentLogger;
    const started = performance.now();
    onProgress?.({ phase: 'reading', done: 0, total: 1 });
    const corpus = await loadCorpus(options.corpusPath);
    await removeStale(options.indexDir);
    const dictionary = options.dictionary ?? (await CedictDictionary.open());

    let reason: string;
    try {
      const snapshot = await readSnapshot(options.indexDir);
      const stale = staleReason(snapshot.manifest, corpus.contentHash, options.embedder.info);
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
        return new KnowledgeBase(options, snapshot, report, dictionary);
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
    return new KnowledgeBase(options, snapshot, report, dictionary);
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
    return this.rebuilding !== undefined;
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
    const vector = pending ? await pending : null;
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
    const snapshot = this.current;
    const { ranked, meaning: rankedMeaning } = await this.rankIn(snapshot, question, { ...options, k: k + more });
    const bar = barInForce(snapshot.manifest.calibration, this.options.minScore);
    // One rule weighs both kinds of evidence for each passage (relevance/decision.ts), on the part of the
    // question the article speaks to; only the passages it finds relevant are quoted: the rest of the top k is noise.
    const meaning =
      rankedMeaning ?? withMeanings(snapshot.lexical.evidence(question.trim()), snapshot.lexical, this.dictionary);
    const judgement = judgePassages(ranked, meaning, bar, new Set(snapshot.manifest.corpus.scripts));
    const { evidence } = judgement;
    const best = evidence
      .slice(0, k)
      .reduce((strongest, entry) => (entry.score > strongest.score ? entry : strongest), NO_EVIDENCE);
    const weigh = (term: string) => snapshot.lexical.termWeight(term);
    const judged = ranked.map((entry, index) => ({ entry, evidence: evidence[index]!, quoted: false }));
    // Only the top k may be quoted; what follows them is `next`, whatever its evidence.
    for (const candidate of judged.slice(0, k)) candidate.quoted = candidate.evidence.relevant;
    const outcome = decideOutcome(
      judgement,
      judged.filter((candidate) => candidate.quoted).map((candidate) => candidate.evidence),
    );
    // A question the article speaks to only in everyday words is declined, whatever passed the rule.
    if (outcome === 'declined') for (const candidate of judged) candidate.quoted = false;
    const next = judged
      .filter((candidate) => !candidate.quoted)
      .slice(0, more)
      .map(({ entry, evidence: nextEvidence }) => ({
        passage: entry.passage,
        score: entry.denseScore ?? 0,
        evidence: nextEvidence,
      }));
    const results = judged
      .filter((candidate) => candidate.quoted)
      .map(({ entry, evidence: judged }, index) => ({
        rank: index + 1,
        score: entry.denseScore ?? 0,
        coverage: entry.lexicalCoverage ?? 0,
        passage: entry.passage,
        highlights: highlightSentences(entry.passage.text, question, weigh),
        evidence: judged,
      }));
    return {
      question,
      outcome,
      answered: outcome === 'answered',
      // As the question spells them, for a caveat: only a partial answer names them.
      missing: outcome === 'partial' ? judgement.missing.map((word) => asSpelledIn(question, word)) : [],
      covered: outcome === 'partial' ? judgement.covered.slice(0, 3).map((word) => asSpelledIn(question, word)) : [],
      results,
      bar,
      best,
      next,
    };
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
   * rebuild runs joins it; a failed rebuild leaves the old index serving.
   */
  reindex(onProgress?: ProgressListener): Promise<ReindexReport> {
    if (onProgress) this.progressListeners.add(onProgress);
    if (!this.rebuilding) {
      this.rebuilding = this.rebuild().finally(() => {
        this.rebuilding = undefined;
        this.progressListeners.clear();
      });
    }
    return this.rebuilding;
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
    notify({ phase: 'reading', done: 0, total: 1 });
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
    await this.rebuilding?.catch(() => undefined);
    await this.options.embedder.close();
    if (!this.options.dictionary) this.dictionary.close();
  }
}
