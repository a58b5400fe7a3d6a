import { mkdtempSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { Writable } from 'node:stream';
import { parseConfig, type Config } from '../../src/config/config.js';
import { createLogger } from '../../src/logger.js';
import { createTinyModel, type TinyModelOptions } from './tiny-model.js';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
export const ARTICLE_PATH = path.join(PROJECT_ROOT, 'corpus', 'wang-weijia-deepseek-wall-street.txt');
export const ARTICLE_TEXT = readFileSync(ARTICLE_PATH, 'utf8');

const cleanups: string[] = [];

/** A fresh temporary directory, removed by {@link removeTempDirs}. */
export async function tempDir(prefix = 'article-bot-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  cleanups.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(cleanups.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Builds the tiny offline model (never downloads) in a temporary directory. */
export async function makeTinyModel(options: TinyModelOptions = {}): Promise<string> {
  const dir = path.join(await tempDir('tiny-model-'), 'tiny-model');
  return createTinyModel(dir, { vocabularyText: ARTICLE_TEXT, ...options });
}

/** A copy of the shipped corpus that a test may change freely. */
export async function copyOfCorpus(): Promise<string> {
  const dir = path.join(await tempDir('corpus-'), 'corpus');
  await cp(path.join(PROJECT_ROOT, 'corpus'), dir, { recursive: true });
  return dir;
}

/**
 * Config as the program would parse it, pointed at test paths: the question
 * log goes to a fresh temporary directory unless DATA_DIR is given, never
 * into the project's data/.
 */
export function testConfig(overrides: Record<string, string>): Config {
  const dataDir = overrides.DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'data-'));
  if (overrides.DATA_DIR === undefined) cleanups.push(dataDir);
  return parseConfig({ LOG_LEVEL: 'silent', ...overrides, DATA_DIR: dataDir }, PROJECT_ROOT);
}

export interface CapturedLogger {
  logger: Logger;
  lines: () => Array<Record<string, unknown>>;
  text: () => string;
}

/**
 * The program's own logger (JSON lines, secrets scrubbed) writing into memory,
 * for asserting on what it logs.
 */
export function capturingLogger(level = 'trace', secrets: readonly string[] = []): CapturedLogger {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ level, format: 'json', destination: stream, secrets });
  return {
    logger,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
