import { describe, expect, it } from 'vitest';
import { isUsableVector, vectorProblem } from '../../../src/core/embedding/vector-check.js';

describe('given a vector from the model', () => {
  it('then a finite one with a length is usable', () => {
    expect(vectorProblem(new Float32Array([0.6, 0.8]), 2)).toBeUndefined();
    expect(isUsableVector(new Float32Array([0, 1e-20]), 2)).toBe(true);
  });

  it.each([
    ['NaN', [0.6, Number.NaN], /not a finite number/],
    ['Infinity', [Number.POSITIVE_INFINITY, 0], /not a finite number/],
    ['all zeros', [0, 0], /all zeros/],
    ['of the wrong width', [1], /1 dimensions instead of 2/],
  ])('then one %s is not, and the reason says why', (_, values, reason) => {
    expect(vectorProblem(new Float32Array(values), 2)).toMatch(reason);
    expect(isUsableVector(new Float32Array(values), 2)).toBe(false);
  });
});
