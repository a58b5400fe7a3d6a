// The arithmetic around a forward pass: how a batch is cut into passes, and
// how a pass's token vectors become one unit vector per text. Plain JavaScript,
// for the model process (embedding-process.mjs).

/**
 * Mean pooling over the unmasked tokens, then L2 normalisation: the same
 * arithmetic, in the same order, as transformers.js' `mean_pooling` and
 * `Tensor.normalize(2, -1)` (float64 sums, a float32 running sum of squares),
 * so the vectors are bit-identical to those of the indexes it built, but
 * without converting the BigInt mask once per token *and* dimension or
 * computing tensor indices per element.
 *
 * @param {readonly number[]} dims [rows, tokens, dimensions]
 * @param {Float32Array} values the last hidden state, row-major
 * @param {BigInt64Array} attentionMask [rows, tokens]
 */
export function meanPoolNormalized(dims, values, attentionMask) {
  const [rows, tokens, dimensions] = dims;
  const output = new Float32Array(rows * dimensions);
  const sums = new Float64Array(dimensions);
  const mask = new Float64Array(tokens);
  for (let row = 0; row < rows; row++) {
    let count = 0;
    for (let token = 0; token < tokens; token++) {
      mask[token] = Number(attentionMask[row * tokens + token]);
      count += mask[token];
    }
    sums.fill(0);
    // Token by token, each dimension's sum still adds its terms in token order, as mean_pooling does.
    for (let token = 0; token < tokens; token++) {
      const weight = mask[token];
      const offset = (row * tokens + token) * dimensions;
      for (let dimension = 0; dimension < dimensions; dimension++)
        sums[dimension] += values[offset + dimension] * weight;
    }
    const start = row * dimensions;
    for (let dimension = 0; dimension < dimensions; dimension++) output[start + dimension] = sums[dimension] / count;
    let squares = 0;
    for (let dimension = 0; dimension < dimensions; dimension++)
      squares = Math.fround(squares + output[start + dimension] ** 2);
    // A text the model has nothing for pools to zeros: it stays a zero vector (the index leaves it out) rather
    // than become NaN; any other norm is far above the floor, so every other vector is as transformers.js made it.
    const norm = Math.max(Math.fround(squares ** (1 / 2)), 1e-12);
    for (let dimension = 0; dimension < dimensions; dimension++) output[start + dimension] /= norm;
  }
  return { dimensions, data: output };
}

/**
 * What a forward pass costs beyond its tokens, in tokens. Measured on the
 * multilingual-e5-small shape on a 2-core CPU: a pass took about 2 ms plus
 * 0.14 ms per token (padding included) at any batch size, so a pass is worth
 * ~16 tokens, and one pass over texts of very different lengths spends most
 * of its time on padding.
 */
const PASS_COST_IN_TOKENS = 16;

/**
 * The most tokens (padding included) one pass may hold, unless a single text
 * is longer. A pass's memory grows with rows × length² (attention), so 16
 * paragraphs of 512 tokens took ~400 MiB more at once than one question; passes
 * this long are compute-bound anyway, so cutting them costs next to nothing.
 */
export const MAX_TOKENS_PER_PASS = 2048;

/**
 * Splits a batch into passes of similar-length texts, minimising the
 * estimated cost (passes × PASS_COST_IN_TOKENS + padded tokens) over
 * partitions of the texts sorted by length, none over MAX_TOKENS_PER_PASS.
 * Returns lists of indices.
 *
 * @param {readonly number[]} lengths each text's length in tokens
 * @returns {number[][]}
 */
export function passesFor(lengths) {
  const order = lengths.map((_, index) => index).sort((left, right) => lengths[left] - lengths[right] || left - right);
  const best = new Float64Array(order.length + 1).fill(Infinity);
  const start = new Int32Array(order.length + 1);
  best[0] = 0;
  for (let end = 1; end <= order.length; end++) {
    const longest = lengths[order[end - 1]];
    for (let first = 0; first < end; first++) {
      if (end - first > 1 && (end - first) * longest > MAX_TOKENS_PER_PASS) continue;
      const cost = best[first] + PASS_COST_IN_TOKENS + (end - first) * longest;
      if (cost < best[end]) {
        best[end] = cost;
        start[end] = first;
      }
    }
  }
  const passes = [];
  for (let end = order.length; end > 0; end = start[end]) passes.unshift(order.slice(start[end], end));
  return passes;
}
