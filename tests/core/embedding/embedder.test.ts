import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TransformersEmbedder,
  type TransformersEmbedderOptions,
} from '../../../src/core/embedding/transformers-embedder.js';
import { makeTinyModel, removeTempDirs } from '../../support/fixtures.js';

let options: TransformersEmbedderOptions;

beforeAll(async () => {
  const dir = await makeTinyModel();
  options = {
    model: dir,
    isLocalDirectory: true,
    cacheDir: dir,
    quantized: true,
    queryPrefix: 'query: ',
    passagePrefix: 'passage: ',
  };
});

afterAll(removeTempDirs);

function cosine(left: Float32Array, right: Float32Array): number {
  return left.reduce((sum, value, index) => sum + value * right[index]!, 0);
}

describe('given a loaded model', () => {
  it('then it reports its dimensions and token window, and returns unit vectors, one per text', async () => {
    const embedder = await TransformersEmbedder.load(options);
    try {
      expect(embedder.info).toMatchObject({
        dimensions: 64,
        maxTokens: 128,
        queryPrefix: 'query: ',
        passagePrefix: 'passage: ',
      });
      const vectors = await embedder.embed(['英伟达市值蒸发', '杰文斯悖论', 'DeepSeek'], 'passage');
      expect(vectors).toHaveLength(3);
      for (const vector of vectors) expect(cosine(vector, vector)).toBeCloseTo(1, 5);
    } finally {
      await embedder.close();
    }
  });

  it('then token counts include the prefix and the special tokens', async () => {
    const embedder = await TransformersEmbedder.load(options);
    try {
      const [query, passage] = [
        await embedder.countTokens(['杰文斯'], 'query'),
        await embedder.countTokens(['杰文斯'], 'passage'),
      ];
      // [CLS] prefix-word ':' 杰 文 斯 [SEP]
      expect(query[0]).toBeGreaterThanOrEqual(5);
      expect(passage[0]).toBeGreaterThanOrEqual(5);
    } finally {
      await embedder.close();
    }
  });
});

describe('given the model process dies', () => {
  it('then questions in flight fail, and the next call starts the model again', async () => {
    const embedder = await TransformersEmbedder.load(options);
    try {
      const before = (await embedder.embed(['博通'], 'query'))[0]!;
      const child = (embedder as unknown as { process: { pid: number } }).process;
      process.kill(child.pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = (await embedder.embed(['博通'], 'query'))[0]!;
      expect(cosine(before, after)).toBeCloseTo(1, 5);
    } finally {
      await embedder.close();
    }
  });
});

describe('given several models loaded side by side', () => {
  it('then closing them in any order leaves the others working, and a new one loads after all are closed', async () => {
    const first = await TransformersEmbedder.load(options);
    const second = await TransformersEmbedder.load(options);
    await second.close();
    expect((await first.embed(['杰文斯'], 'query'))[0]).toHaveLength(64);
    await first.close();
    const third = await TransformersEmbedder.load(options);
    try {
      expect((await third.embed(['杰文斯'], 'query'))[0]).toHaveLength(64);
    } finally {
      await third.close();
    }
  });
});
