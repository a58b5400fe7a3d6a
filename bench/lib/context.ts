import { DEFAULT_QUESTIONS_FILE } from '../../src/core/evaluation/questions.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Language } from '../../src/bot/i18n.js';
import type { Config } from '../../src/config/config.js';
import type { EmbedTimings, Embedder, EmbeddingKind } from '../../src/core/embedding/embedder.js';
import { TransformersEmbedder } from '../../src/core/embedding/transformers-embedder.js';
import { KnowledgeBase, type KnowledgeBaseOptions, type ProgressListener } from '../../src/core/knowledge-base.js';
import type { BenchModel } from './model.js';

/**
 * The embedder the knowledge bases under test use, recording where each
 * call's time went. It adds one `await` to the real one, nothing else.
 */
export class TimedEmbedder implements Embedder {
  /** Every call since the last {@link reset}, in order. */
  calls: { texts: number; kind: EmbeddingKind; timings: EmbedTimings }[] = [];

  constructor(readonly inner: TransformersEmbedder) {}

  get info() {
    return this.inner.info;
  }

  async embed(texts: readonly string[], kind: EmbeddingKind): Promise<Float32Array[]> {
    const { vectors, timings } = await this.inner.embedWithTimings(texts, kind);
    this.calls.push({ texts: texts.length, kind, timings });
    return vectors;
  }

  countTokens(texts: readonly string[], kind: EmbeddingKind): Promise<number[]> {
    return this.inner.countTokens(texts, kind);
  }

  reset(): void {
    this.calls = [];
  }

  /** The knowledge bases share this embedder: closing one of them must not stop it. */
  async close(): Promise<void> {}
}

export interface BenchContext {
  config: Config;
  model: BenchModel;
  quick: boolean;
  corpusPath: string;
  batchSize: number;
  /** The questions of the retrieval evaluation set (simplified and traditional Chinese, English). */
  questions: string[];
  questionSet: { question: string; lang: Language }[];
  /** The shared embedder, loaded on first use; `loadMs` is how long loading took. */
  embedder(): Promise<{ embedder: TimedEmbedder; loadMs: number }>;
  /** A fresh temporary directory, removed at the end of the run. */
  tempDir(prefix: string): Promise<string>;
  /** Opens a knowledge base over the article with the shared embedder (index in a temporary directory unless given). */
  openKnowledgeBase(overrides?: Partial<KnowledgeBaseOptions>, onProgress?: ProgressListener): Promise<KnowledgeBase>;
  dispose(): Promise<void>;
}

export async function createContext(config: Config, model: BenchModel, quick: boolean): Promise<BenchContext> {
  const questionSet = JSON.parse(await readFile(DEFAULT_QUESTIONS_FILE, 'utf8')) as {
    question: string;
    lang: Language;
  }[];
  const questions = questionSet.map((entry) => entry.question);
  const root = await mkdtemp(path.join(os.tmpdir(), 'article-bot-bench-'));
  let loaded: Promise<{ embedder: TimedEmbedder; loadMs: number }> | undefined;
  let counter = 0;
  const context: BenchContext = {
    config,
    model,
    quick,
    corpusPath: config.corpusPath,
    batchSize: config.embedding.batchSize,
    questions,
    questionSet,
    embedder() {
      loaded ??= (async () => {
        const started = performance.now();
        const inner = await TransformersEmbedder.load(model.embedder);
        return { embedder: new TimedEmbedder(inner), loadMs: performance.now() - started };
      })();
      return loaded;
    },
    async tempDir(prefix) {
      return mkdtemp(path.join(root, `${prefix}${counter++}-`));
    },
    async openKnowledgeBase(overrides = {}, onProgress) {
      const { embedder } = await context.embedder();
      return KnowledgeBase.open(
        {
          corpusPath: config.corpusPath,
          indexDir: overrides.indexDir ?? (await context.tempDir('index-')),
          embedder,
          batchSize: config.embedding.batchSize,
          // Always quote the top passages (the stand-in's random weights give meaningless scores
          // anyway): the most work an answer can take, highlights for every result, the longest reply.
          minScore: 0,
          ...overrides,
        },
        onProgress,
      );
    },
    async dispose() {
      if (loaded) await (await loaded).embedder.inner.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return context;
}

/** The i-th question of an endless cycle through the set. */
export const questionAt = (context: BenchContext, index: number) =>
  context.questions[index % context.questions.length]!;
