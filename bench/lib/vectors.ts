/**
 * Seeded synthetic embeddings for the search benchmark: unit vectors drawn
 * from a mixture of Gaussian clusters rather than uniformly from the sphere.
 * Uniform points in 384 dimensions are all nearly orthogonal to each other,
 * which no real embedding set is; sentence embeddings come in topics, and
 * within a topic they spread along a few directions more than the rest.
 *
 * Each vector is `normalise(centre + noise)`: a cluster centre (standard
 * normal, scaled by `spread`) plus noise whose variance decays over the
 * coordinates (a power law, so the effective dimensionality is well below
 * 384, as for real models), from one seeded generator, so every process that
 * asks for the same set gets the same numbers.
 */

/** mulberry32: small, fast, seeded. */
export function makeRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeNormal(rng: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u1 = rng() || Number.MIN_VALUE;
    const u2 = rng();
    const radius = Math.sqrt(-2 * Math.log(u1));
    spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  };
}

export interface VectorSetOptions {
  count: number;
  dimensions: number;
  /** Points per cluster on average. */
  clusterSize?: number;
  /** Standard deviation of the centres' coordinates: smaller means clusters overlap more. */
  centreScale?: number;
  seed?: number;
}

export interface VectorSet {
  dimensions: number;
  count: number;
  /** Row-major, `count × dimensions`, every row of unit length. */
  data: Float32Array;
  row(index: number): Float32Array;
}

interface Mixture {
  centres: Float32Array;
  clusters: number;
  noiseScale: Float32Array;
}

function mixture(options: VectorSetOptions): Mixture {
  const { dimensions } = options;
  const clusters = Math.max(4, Math.round(options.count / (options.clusterSize ?? 100)));
  const normal = makeNormal(makeRng((options.seed ?? 1) * 7919));
  const centres = new Float32Array(clusters * dimensions);
  const centreScale = options.centreScale ?? 1;
  for (let index = 0; index < centres.length; index++) centres[index] = normal() * centreScale;
  // Noise standard deviation per coordinate: 1.6 · (1 + j/8)^-0.5 (the spectrum of a real model falls off similarly).
  const noiseScale = new Float32Array(dimensions);
  for (let j = 0; j < dimensions; j++) noiseScale[j] = 1.6 / Math.sqrt(1 + j / 8);
  return { centres, clusters, noiseScale };
}

function fill(target: Float32Array, count: number, dimensions: number, model: Mixture, seed: number): void {
  const rng = makeRng(seed);
  const normal = makeNormal(rng);
  for (let row = 0; row < count; row++) {
    const cluster = Math.floor(rng() * model.clusters);
    const offset = row * dimensions;
    let norm = 0;
    for (let j = 0; j < dimensions; j++) {
      const value = model.centres[cluster * dimensions + j]! + normal() * model.noiseScale[j]!;
      target[offset + j] = value;
      norm += value * value;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let j = 0; j < dimensions; j++) target[offset + j]! *= scale;
  }
}

function asSet(data: Float32Array, count: number, dimensions: number): VectorSet {
  return { dimensions, count, data, row: (index) => data.subarray(index * dimensions, (index + 1) * dimensions) };
}

/** The indexed vectors and, from the same mixture but distinct draws, the queries. */
export function makeVectorSets(options: VectorSetOptions & { queries: number }): {
  base: VectorSet;
  queries: VectorSet;
} {
  const model = mixture(options);
  const base = new Float32Array(options.count * options.dimensions);
  fill(base, options.count, options.dimensions, model, (options.seed ?? 1) * 31 + 1);
  const queries = new Float32Array(options.queries * options.dimensions);
  fill(queries, options.queries, options.dimensions, model, (options.seed ?? 1) * 31 + 2);
  return {
    base: asSet(base, options.count, options.dimensions),
    queries: asSet(queries, options.queries, options.dimensions),
  };
}

/** Exact top-k by dot product (= cosine for unit vectors), best first. */
export function exactTopK(base: VectorSet, query: Float32Array, k: number): { ids: Int32Array; scores: Float32Array } {
  const { data, count, dimensions } = base;
  const ids = new Int32Array(k).fill(-1);
  const scores = new Float32Array(k).fill(-Infinity);
  let worst = -Infinity;
  for (let row = 0, offset = 0; row < count; row++, offset += dimensions) {
    // Four accumulators: independent additions pipeline better than one chain.
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    let j = 0;
    for (; j + 3 < dimensions; j += 4) {
      d0 += data[offset + j]! * query[j]!;
      d1 += data[offset + j + 1]! * query[j + 1]!;
      d2 += data[offset + j + 2]! * query[j + 2]!;
      d3 += data[offset + j + 3]! * query[j + 3]!;
    }
    for (; j < dimensions; j++) d0 += data[offset + j]! * query[j]!;
    const dot = d0 + d1 + d2 + d3;
    if (dot <= worst) continue;
    // Insert into the sorted top-k.
    let position = k - 1;
    while (position > 0 && scores[position - 1]! < dot) {
      scores[position] = scores[position - 1]!;
      ids[position] = ids[position - 1]!;
      position--;
    }
    scores[position] = dot;
    ids[position] = row;
    worst = scores[k - 1]!;
  }
  return { ids, scores };
}
