import { createHash } from 'node:crypto';
import type { ModelInfo } from './embedder.js';

/**
 * What a cached passage vector depends on besides its text: the model and
 * how it is asked. A vector is reused only within its own space.
 */
export interface VectorSpace {
  /** The first 16 hex digits of the SHA-256 of `description`: the space's key. */
  id: string;
  /** The model's id and fingerprint, dimensions, quantization and passage prefix, as JSON. */
  description: string;
  dimensions: number;
}

export function vectorSpaceOf(model: ModelInfo): VectorSpace {
  const description = JSON.stringify({
    id: model.id,
    fingerprint: model.fingerprint,
    dimensions: model.dimensions,
    quantized: model.quantized,
    passagePrefix: model.passagePrefix,
  });
  return {
    id: createHash('sha256').update(description).digest('hex').slice(0, 16),
    description,
    dimensions: model.dimensions,
  };
}

/**
 * Passage vectors of earlier builds in one vector space, keyed by the
 * SHA-256 of the text as embedded (hex), so that a build embeds only what
 * no earlier build did. A cache only ever saves work: the index builder
 * carries on without it when it fails. The default is a file in the index
 * directory (embedding-cache.ts); a deployment of several processes may
 * share one (every process then embeds a passage once between them).
 */
export interface VectorCache {
  /** The vectors held for these keys (the others are absent from the map). */
  lookup(keys: readonly string[]): Promise<Map<string, Float32Array>>;
  /** Keeps vectors just embedded, at once, so a build that fails later keeps them for the next one. */
  add(entries: ReadonlyArray<{ key: string; vector: Float32Array }>): Promise<void>;
  /** Forgets every vector of the space but these (those the index just built serves). */
  retainOnly(keys: readonly string[]): Promise<void>;
}

/** Opens the cache of a vector space. */
export type VectorCacheOpener = (space: VectorSpace) => Promise<VectorCache>;
