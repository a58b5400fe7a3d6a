import type { Embedder } from './embedder.js';

interface Waiting {
  text: string;
  resolve: (vector: Float32Array) => void;
  reject: (error: unknown) => void;
}

/** A forward pass in flight; settles to its vectors or its error, never rejects (so it never goes unhandled). */
interface Pass {
  batch: Waiting[];
  outcome: Promise<{ vectors: Float32Array[] } | { error: unknown }>;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Coalesces questions that arrive together into one forward pass: a burst of
 * 64 questions costs a few batched passes instead of 64 single ones. While a
 * batch runs, new questions queue for the next one, so nobody waits for more
 * than one batch ahead of them.
 *
 * When a pass ends, the next one is sent to the model before this one's
 * questions are answered, so the model computes while they are ranked here;
 * and the answers are handed out one per turn of the event loop, so a batch
 * of answers never blocks it (the Discord heartbeat, other replies) for the
 * time of all of them together.
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

  private startPass(): Pass | undefined {
    if (this.queue.length === 0) return undefined;
    const batch = this.queue.splice(0, this.maxBatch);
    const outcome = this.embedder
      .embed(
        batch.map((waiting) => waiting.text),
        'query',
      )
      .then(
        (vectors) => ({ vectors }),
        (error: unknown) => ({ error }),
      );
    return { batch, outcome };
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      let pass = this.startPass();
      while (pass) {
        const outcome = await pass.outcome;
        const next = this.startPass();
        // One turn lets the next batch reach the model before the answers of this one are worked out.
        if (next) await nextTurn();
        for (const [index, waiting] of pass.batch.entries()) {
          if (index > 0) await nextTurn();
          if ('error' in outcome) waiting.reject(outcome.error);
          else waiting.resolve(outcome.vectors[index]!);
        }
        // Questions that arrived while these were handed out, if no pass took them yet.
        pass = next ?? this.startPass();
      }
    } finally {
      this.running = false;
    }
  }
}
