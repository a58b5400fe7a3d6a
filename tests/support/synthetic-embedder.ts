import { createHash } from 'node:crypto';
import type { Embedder, EmbeddingKind, ModelInfo } from '../../src/core/embedding/embedder.js';

/**
 * A stand-in model whose cosines are set by construction: every text's
 * vector is a shared direction, weighted by `sharedWeight`, plus a
 * pseudo-random direction of its own drawn from its text. With a weight of 0
 * unrelated texts score near 0 (a model whose scores run low); with a weight
 * of 2 they score near 0.8, as e5 places unrelated text.
 */
export class SyntheticEmbedder implements Embedder {
  readonly info: ModelInfo;

  constructor(
    id: string,
    private readonly sharedWeight: number,
    dimensions = 48,
    /** Texts it embeds as a zero vector, as some models embed text they do not know. */
    private readonly zeroFor: (text: string) => boolean = () => false,
  ) {
    this.info = {
      id,
      dimensions,
      maxTokens: 512,
      queryPrefix: '',
      passagePrefix: '',
      quantized: true,
      fingerprint: id,
    };
  }

  private vectorOf(text: string): Float32Array {
    const vector = new Float32Array(this.info.dimensions);
    if (this.zeroFor(text)) return vector;
    let seed = createHash('sha256').update(text).digest().readUInt32LE(0);
    for (let index = 0; index < vector.length; index++) {
      // xorshift32, then a centred uniform: a random direction of roughly unit length.
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      vector[index] = ((seed >>> 0) / 2 ** 32 - 0.5) * Math.sqrt(12 / vector.length);
    }
    vector[0]! += this.sharedWeight;
    const norm = Math.hypot(...vector);
    return vector.map((value) => value / norm);
  }

  async embed(texts: readonly string[], _kind: EmbeddingKind): Promise<Float32Array[]> {
    return texts.map((text) => this.vectorOf(text));
  }

  async countTokens(texts: readonly string[]): Promise<number[]> {
    return texts.map((text) => [...text].length + 2);
  }

  async close(): Promise<void> {}
}
