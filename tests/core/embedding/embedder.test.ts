import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelUnavailableError } from '../../../src/core/embedding/embedder.js';
import { callTimeoutMs } from '../../../src/core/embedding/model-process.js';
import {
  TransformersEmbedder,
  type TransformersEmbedderOptions,
} from '../../../src/core/embedding/transformers-embedder.js';
import { makeTinyModel, removeTempDirs, tempDir } from '../../support/fixtures.js';

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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

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
  it('then questions in flight fail as "model unavailable", and the next call starts the model again', async () => {
    const embedder = await TransformersEmbedder.load(options);
    try {
      const before = (await embedder.embed(['博通'], 'query'))[0]!;
      const pid = embedder.modelProcessId!;
      // Stopped, the process cannot answer: the call is certainly in flight when it is killed.
      process.kill(pid, 'SIGSTOP');
      const inFlight = embedder.embed(['杰文斯悖论', '英伟达'], 'query');
      process.kill(pid, 'SIGKILL');
      await expect(inFlight).rejects.toBeInstanceOf(ModelUnavailableError);
      const after = (await embedder.embed(['博通'], 'query'))[0]!;
      expect(cosine(before, after)).toBeCloseTo(1, 5);
      expect(embedder.restarts).toBe(1);
      expect(embedder.modelProcessId).not.toBe(pid);
    } finally {
      await embedder.close();
    }
  });
});

describe('given a model process that stops answering', () => {
  it('then the waiting calls fail as "model unavailable", the process is killed, and the next call is answered by a new one', async () => {
    const embedder = await TransformersEmbedder.load({ ...options, timeoutSeconds: 2 });
    try {
      await embedder.embed(['博通'], 'query');
      const hung = embedder.modelProcessId!;
      const exited = new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (!isAlive(hung)) {
            clearInterval(poll);
            resolve();
          }
        }, 50);
      });
      process.kill(hung, 'SIGSTOP');
      const waiting = [
        embedder.embed(['英伟达'], 'query'),
        embedder.embed(['杰文斯悖论', 'DeepSeek'], 'passage'),
        embedder.countTokens(['博通'], 'query'),
      ];
      for (const call of waiting) await expect(call).rejects.toThrow(ModelUnavailableError);
      await exited;
      expect(embedder.timeouts).toBe(1);
      expect((await embedder.embed(['博通'], 'query'))[0]).toHaveLength(64);
      expect(embedder.restarts).toBe(1);
    } finally {
      await embedder.close();
    }
  });

  it("then a call's time limit grows with its batch and a load gets at least a minute", () => {
    expect(callTimeoutMs(30, 1)).toBe(33_750);
    expect(callTimeoutMs(30, 16)).toBe(90_000);
    expect(callTimeoutMs(30, 'load')).toBe(120_000);
    expect(callTimeoutMs(5, 'load')).toBe(60_000);
  });
});

describe('given a model that fails at every start', () => {
  it('then it is started again at once, then after a growing back-off, and at most the cap per minute', async () => {
    const brokenDir = path.join(await tempDir('broken-model-'), 'model');
    await cp(options.model, brokenDir, { recursive: true });
    let clock = 1_000_000;
    const embedder = await TransformersEmbedder.load({
      ...options,
      model: brokenDir,
      cacheDir: brokenDir,
      maxRestartsPerMinute: 3,
      now: () => clock,
    });
    try {
      await rm(path.join(brokenDir, 'onnx'), { recursive: true });
      const pid = embedder.modelProcessId!;
      process.kill(pid, 'SIGKILL');
      while (embedder.modelProcessId !== undefined) await new Promise((resolve) => setTimeout(resolve, 20));

      const attempt = () => embedder.embed(['博通'], 'query');
      await expect(attempt()).rejects.toThrow(/could not be started again: .*lacks/);
      expect(embedder.restarts).toBe(1);
      await expect(attempt()).rejects.toThrow(/started again in 1 s/);
      expect(embedder.restarts).toBe(1);
      clock += 1000;
      await expect(attempt()).rejects.toThrow(/could not be started again/);
      await expect(attempt()).rejects.toThrow(/started again in 2 s/);
      clock += 2000;
      await expect(attempt()).rejects.toThrow(/could not be started again/);
      expect(embedder.restarts).toBe(3);
      clock += 4000;
      // Three restarts in this minute: the fourth waits for the first to leave it, whatever the back-off says.
      await expect(attempt()).rejects.toThrow(/started again in 53 s/);
      expect(embedder.restarts).toBe(3);
    } finally {
      await embedder.close();
    }
  });
});

describe('given a closed embedder', () => {
  it('then it stays closed: a call fails and no model process is started', async () => {
    const embedder = await TransformersEmbedder.load(options);
    await embedder.close();
    await expect(embedder.embed(['博通'], 'query')).rejects.toThrow(/closed/);
    expect(embedder.modelProcessId).toBeUndefined();
    expect(embedder.restarts).toBe(0);
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
