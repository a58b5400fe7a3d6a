import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The p-th percentile (0–100) by linear interpolation between closest ranks. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const position = ((sorted.length - 1) * p) / 100;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

export const median = (values: readonly number[]) => percentile(values, 50);

export interface Summary {
  p50: number;
  p95: number;
  mean: number;
  n: number;
}

export function summarize(values: readonly number[]): Summary {
  return {
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    mean: values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length),
    n: values.length,
  };
}

export async function timed<T>(work: () => Promise<T> | T): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

let collector: (() => void) | undefined;
/** A full garbage collection, so memory deltas measure what is still referenced (works without --expose-gc). */
export function collectGarbage(): void {
  if (!collector) {
    setFlagsFromString('--expose-gc');
    collector = runInNewContext('gc') as () => void;
  }
  collector();
  collector();
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  /** Memory of ArrayBuffers and other off-heap objects owned by JavaScript objects. */
  external: number;
}

export function memorySample(): MemorySample {
  collectGarbage();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

export function memoryDelta(before: MemorySample, after: MemorySample): MemorySample {
  return {
    rss: after.rss - before.rss,
    heapUsed: after.heapUsed - before.heapUsed,
    external: after.external - before.external,
  };
}

export const MiB = 1024 * 1024;

/** Measures the event loop's delay (how late timers fire) while `work` runs: p99 and max in ms. */
export async function withEventLoopDelay<T>(work: () => Promise<T>): Promise<{ result: T; p99: number; max: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  try {
    const result = await work();
    histogram.disable();
    return { result, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
  } finally {
    histogram.disable();
  }
}
