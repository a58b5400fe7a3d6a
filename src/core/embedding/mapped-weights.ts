import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { silentLogger } from '../../logger.js';

/**
 * Which weights file the model process loads: the model's own, or a copy of
 * it whose large initializers are ONNX external data, which onnxruntime maps
 * from disk instead of copying into memory (onnx-external-data.mjs). Only the
 * pages a question touches become resident: multilingual-e5-small's word
 * embeddings (96 MB, a few rows read per question) stay on disk, and the model
 * process holds about 90 MiB less (docs/performance.md#memory).
 *
 * The copy is made once, in a short-lived process (mapped-weights-process.mjs),
 * checked to compute bit-identical outputs, and kept beside the weights; any
 * model it does not fit (small, external data already, a failed check, a
 * directory that cannot be written) is loaded as it is.
 */

/** Below this, a weights file is loaded as it is: mapping would save little, at the cost of a second copy on disk. */
export const DEFAULT_MAP_WEIGHTS_FROM_BYTES = 16 * 1024 * 1024;

/** Initializers smaller than this stay inside the model (ONNX's own threshold for external data). */
const MIN_TENSOR_BYTES = 1024;

/** Bumped when the copy is made differently: every model is copied again then. */
const FORMAT = 1;

/** How long making and checking the copy may take before the model is loaded as it is. */
const TIME_LIMIT_MS = 5 * 60_000;

const processPath = fileURLToPath(new URL('./mapped-weights-process.mjs', import.meta.url));

interface MappedRecord {
  key: string;
  model?: string;
  reason?: string;
}

export interface MappedWeightsOptions {
  /** Weights files smaller than this are loaded as they are ({@link DEFAULT_MAP_WEIGHTS_FROM_BYTES}). */
  fromBytes?: number;
  logger?: Logger;
}

/** The copy's key: the weights file's size and time (hashing ~100 MB at every start would cost more than it saves). */
function keyOf(source: string): string {
  const info = statSync(source);
  return createHash('sha256').update(`${FORMAT}:${info.size}:${info.mtimeMs}`).digest('hex').slice(0, 12);
}

const recordFileOf = (source: string) =>
  path.join(path.dirname(source), `${path.basename(source, '.onnx')}.mapped.json`);

function readRecord(source: string, key: string): MappedRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(recordFileOf(source), 'utf8')) as MappedRecord;
    return record.key === key ? record : undefined;
  } catch {
    return undefined;
  }
}

/** The copy the record names, if it and its data are on disk. */
function usableCopy(source: string, record: MappedRecord): string | undefined {
  if (!record.model) return undefined;
  const model = path.join(path.dirname(source), record.model);
  return existsSync(model) && existsSync(`${model}.data`) ? model : undefined;
}

/** The vocabulary's size (config.json), so the check's ids are ids the model has. */
function vocabularySizeOf(source: string): number {
  try {
    const config = JSON.parse(readFileSync(path.join(path.dirname(source), '..', 'config.json'), 'utf8')) as {
      vocab_size?: unknown;
    };
    if (Number.isInteger(config.vocab_size) && (config.vocab_size as number) > 0) return config.vocab_size as number;
  } catch {
    // No config: a small vocabulary is assumed; every model has a hundred ids.
  }
  return 100;
}

function makeCopy(source: string, key: string): Promise<string | undefined> {
  const settings = { source, key, minBytes: MIN_TENSOR_BYTES, vocabularySize: vocabularySizeOf(source) };
  return new Promise((resolve) => {
    const child = fork(processPath, [JSON.stringify(settings)], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIME_LIMIT_MS);
    child.on('error', (error) => (stderr += error.message));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code === 0 ? undefined : stderr.trim() || `it exited (${signal ?? `code ${code}`})`);
    });
  });
}

/**
 * The weights file the model process should load for `source`: the mapped
 * copy when there is one for this version of the file, or can be made now;
 * `source` itself otherwise (and why, in the log).
 */
export async function mappedWeightsFile(source: string, options: MappedWeightsOptions = {}): Promise<string> {
  const logger = options.logger ?? silentLogger;
  if (!existsSync(source) || statSync(source).size < (options.fromBytes ?? DEFAULT_MAP_WEIGHTS_FROM_BYTES))
    return source;
  const key = keyOf(source);
  let record = readRecord(source, key);
  let failure: string | undefined;
  if (!record || (record.model && !usableCopy(source, record))) {
    const started = Date.now();
    failure = await makeCopy(source, key);
    record = readRecord(source, key);
    if (record?.model) logger.info({ ms: Date.now() - started }, 'made the memory-mapped copy of the model weights');
  }
  const copy = record && usableCopy(source, record);
  if (copy) return copy;
  logger.info(
    { reason: record?.reason ?? failure ?? 'the copy is missing' },
    'the model weights are loaded whole, not memory-mapped',
  );
  return source;
}
