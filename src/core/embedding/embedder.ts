/**
 * The embedding model as the core sees it: an interface any model (or a
 * test double) can stand behind.
 */

export type EmbeddingKind = 'query' | 'passage';

/** What identifies a model's vector space: a persisted index is only valid for the same one. */
export interface ModelInfo {
  id: string;
  dimensions: number;
  /** The longest input, in tokens, the model reads without truncating. */
  maxTokens: number;
  queryPrefix: string;
  passagePrefix: string;
  quantized: boolean;
  /** For local directories: a hash of the model's files, so swapping weights at the same path rebuilds. */
  fingerprint: string;
}

/**
 * Turns text into unit-length vectors. The core depends on this interface
 * only, so a test or a benchmark can put any model behind it.
 */
export interface Embedder {
  readonly info: ModelInfo;
  /** Embeds texts (prefixes are added here, not by callers). */
  embed(texts: readonly string[], kind: EmbeddingKind): Promise<Float32Array[]>;
  /** Token counts including the prefix and special tokens, as the model will see them. */
  countTokens(texts: readonly string[], kind: EmbeddingKind): Promise<number[]>;
  close(): Promise<void>;
  /** For a model run in a process of its own: how many times it was started again after it died. */
  readonly restarts?: number;
  /** For a model run in a process of its own: that process's id while it runs. */
  readonly modelProcessId?: number;
  /** For a model run in a process of its own: calls it did not answer in time (it was killed then). */
  readonly timeouts?: number;
}

/** Where the time of one `embed` call went (for the benchmark; milliseconds). */
export interface EmbedTimings {
  /** Token ids the model was fed, padding included (a mixed-length batch runs as several passes: their sum). */
  tokens: number;
  /** Tokenisation in the model process. */
  tokenizeMs: number;
  /** The model's forward pass(es) in the model process. */
  forwardMs: number;
  /** Mean pooling and normalisation in the model process. */
  poolMs: number;
  /** The whole call as the caller sees it: the above plus messaging to and from the model process. */
  totalMs: number;
}

export class ModelLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelLoadError';
  }
}

/**
 * The model cannot answer now: it did not answer in time, it died, or it is
 * waiting to be started again after failing. Questions get a "try again in a
 * moment" reply; nothing is wrong with them.
 */
export class ModelUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelUnavailableError';
  }
}
