import { describe, expect, it } from 'vitest';
import { MAX_TOKENS_PER_PASS, meanPoolNormalized, passesFor } from '../../../src/core/embedding/embedding-math.mjs';

const padded = (lengths: number[], pass: number[]) => pass.length * Math.max(...pass.map((index) => lengths[index]!));

describe('given a batch of texts to embed', () => {
  it('then every text is in exactly one pass, and similar lengths share one', () => {
    const lengths = [12, 300, 14, 300, 13, 300];
    const passes = passesFor(lengths);
    expect(passes.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(passes).toEqual([
      [0, 4, 2],
      [1, 3, 5],
    ]);
  });

  it('then no pass of several texts holds more than MAX_TOKENS_PER_PASS tokens, padding included', () => {
    const lengths = Array.from({ length: 16 }, (_, index) => 400 + index * 7);
    const passes = passesFor(lengths);
    for (const pass of passes) expect(padded(lengths, pass)).toBeLessThanOrEqual(MAX_TOKENS_PER_PASS);
    expect(passes.flat().sort((left, right) => left - right)).toEqual(lengths.map((_, index) => index));
  });

  it('then a text longer than the limit still gets a pass of its own', () => {
    expect(passesFor([MAX_TOKENS_PER_PASS + 1, 10])).toEqual([[1], [0]]);
  });
});

describe('given token vectors and their mask', () => {
  it('then the masked mean of each row is returned at unit length', () => {
    // Two rows of two tokens in 2 dimensions; the second row's second token is padding.
    const values = new Float32Array([3, 0, 0, 4, 1, 1, 9, 9]);
    const { dimensions, data } = meanPoolNormalized([2, 2, 2], values, new BigInt64Array([1n, 1n, 1n, 0n]));
    expect(dimensions).toBe(2);
    expect(Array.from(data.subarray(0, 2))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(data.subarray(2, 4)).map((value) => value.toFixed(6))).toEqual(['0.707107', '0.707107']);
  });
});
