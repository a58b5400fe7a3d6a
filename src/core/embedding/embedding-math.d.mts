// Types of embedding-math.mjs (plain JavaScript, for the model process), for the tests.
export declare function meanPoolNormalized(
  dims: readonly number[],
  values: Float32Array,
  attentionMask: BigInt64Array,
): { dimensions: number; data: Float32Array };
export declare const MAX_TOKENS_PER_PASS: number;
export declare function passesFor(lengths: readonly number[]): number[][];
