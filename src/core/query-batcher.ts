import type { Embedder } from './embedder.js';

interface Waiting {
  text: string;
  resolve: (vector: Float32Array) => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces questions that arrive together into one forward pass: a burst of
 * 64 questions costs a few batched passes instead of 64 single ones. While a
 * batch runs, new questions queue for the next one, so nobody waits for more
 * than one batch ahead of them.
 */
export class QueryBatcher {
  private queue: Waiting[] = [];
  private running = false;

  constructor(
    private readonly embedder: Embedder,
    private readonly maxBatch: number,
  ) {}

  embed(text: string): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ text, resolve, reject });
      // setImmediate lets every question of the current burst enqueue before the first pass.
      if (!this.running) setImmediate(() => void this.drain());
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const vectors = await this.embedder.embed(
            batch.map((waiting) => waiting.text),
            'query',
          );
          batch.forEach((waiting, index) => waiting.resolve(vectors[index]!));
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
