import { describe, expect, it } from 'vitest';
import type { Embedder, EmbeddingKind, ModelInfo } from '../../../src/core/embedding/embedder.js';
import { QueryBatcher } from '../../../src/core/embedding/query-batcher.js';

/** Embeds a text as [its length, its pass number]; passes finish when the test says so. */
class ControlledEmbedder implements Embedder {
  readonly info: ModelInfo = {
    id: 'fake',
    dimensions: 2,
    maxTokens: 512,
    queryPrefix: '',
    passagePrefix: '',
    quantized: false,
    fingerprint: 'fake',
  };
  readonly passes: { texts: readonly string[]; finish: (error?: Error) => void }[] = [];

  embed(texts: readonly string[], _kind: EmbeddingKind): Promise<Float32Array[]> {
    const pass = this.passes.length;
    return new Promise((resolve, reject) => {
      this.passes.push({
        texts,
        finish: (error) => (error ? reject(error) : resolve(texts.map((text) => Float32Array.of(text.length, pass)))),
      });
    });
  }

  async countTokens(texts: readonly string[]): Promise<number[]> {
    return texts.map((text) => text.length);
  }

  async close(): Promise<void> {}
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const turns = async (count: number) => {
  for (let index = 0; index < count; index++) await turn();
};

describe('given questions arriving together', () => {
  it('then they share forward passes of at most the batch size, each getting its own vector', async () => {
    const embedder = new ControlledEmbedder();
    const batcher = new QueryBatcher(embedder, 2);
    const answers = ['a', 'bb', 'ccc', 'dddd', 'eeeee'].map((text) => batcher.embed(text));
    await turns(2);
    expect(embedder.passes.map((pass) => pass.texts)).toEqual([['a', 'bb']]);

    embedder.passes[0]!.finish();
    await turns(2);
    // The next pass is on its way before the first one's answers are handed out.
    expect(embedder.passes.map((pass) => pass.texts)).toEqual([
      ['a', 'bb'],
      ['ccc', 'dddd'],
    ]);
    embedder.passes[1]!.finish();
    await turns(4);
    embedder.passes[2]!.finish();

    const vectors = await Promise.all(answers);
    expect(vectors.map((vector) => Array.from(vector))).toEqual([
      [1, 0],
      [2, 0],
      [3, 1],
      [4, 1],
      [5, 2],
    ]);
  });

  it('then answers are handed out one per turn of the event loop', async () => {
    const embedder = new ControlledEmbedder();
    const batcher = new QueryBatcher(embedder, 16);
    const settled: string[] = [];
    const answers = ['a', 'b', 'c'].map((text) => batcher.embed(text).then(() => settled.push(text)));
    await turns(2);
    embedder.passes[0]!.finish();
    await turn();
    await Promise.resolve();
    expect(settled.length).toBeLessThan(3);
    await Promise.all(answers);
    expect(settled).toEqual(['a', 'b', 'c']);
  });

  it('then a failed pass rejects its questions only, and later questions are still answered', async () => {
    const embedder = new ControlledEmbedder();
    const batcher = new QueryBatcher(embedder, 2);
    const first = ['a', 'b'].map((text) =>
      batcher.embed(text).then(
        () => 'answered',
        (error: Error) => error.message,
      ),
    );
    const later = batcher.embed('ccc');
    await turns(2);
    embedder.passes[0]!.finish(new Error('worker crashed'));
    await turns(2);
    embedder.passes[1]!.finish();

    expect(await Promise.all(first)).toEqual(['worker crashed', 'worker crashed']);
    expect(Array.from(await later)).toEqual([3, 1]);
  });

  it('then a question asked while answers are being handed out is not stranded', async () => {
    const embedder = new ControlledEmbedder();
    const batcher = new QueryBatcher(embedder, 16);
    const early = ['a', 'b'].map((text) => batcher.embed(text));
    await turns(2);
    embedder.passes[0]!.finish();
    const late = early[0]!.then(() => batcher.embed('late'));
    await Promise.all(early);
    await turns(2);
    expect(embedder.passes.at(-1)!.texts).toEqual(['late']);
    embedder.passes.at(-1)!.finish();
    expect(Array.from(await late)).toEqual([4, 1]);
  });
});
