import { execFile, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FootprintProbeInput, FootprintProbeResult, ProcessMemory } from '../footprint-probe.js';
import { runChild } from './child.js';
import type { BenchContext } from './context.js';
import { REPOSITORY_ROOT } from './model.js';
import { median } from './stats.js';

/**
 * The bot's memory as an operator would see it: the compiled bot (`npm start`)
 * against a loopback Discord with the benchmark's model and a persisted index,
 * its process and its model process together; what it is made of, part by
 * part; and its start-up, compiled against tsx.
 */

const MAIN_COMPILED = path.join(REPOSITORY_ROOT, 'dist', 'bot', 'main.js');
/** Node's options in `npm start` (package.json), so that the bot is measured as it runs: `node <options> dist/bot/main.js`. */
export const START_OPTIONS: string[] = (() => {
  const { scripts } = JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const words = scripts.start.split(/\s+/);
  if (words[0] !== 'node' || words.at(-1) !== 'dist/bot/main.js')
    throw new Error(`npm start is not "node … dist/bot/main.js": ${scripts.start}`);
  return words.slice(1, -1);
})();
const MAIN_SOURCE = path.join(REPOSITORY_ROOT, 'src', 'bot', 'main.ts');
const TSX_CLI = path.join(REPOSITORY_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export const SEQUENTIAL_QUESTIONS = 50;
export const BURST_QUESTIONS = 64;
export const TARGET_AFTER_QUESTIONS_MIB = 350;
export const TARGET_AFTER_BURST_MIB = 420;

const MIB = 1024 * 1024;
export const toMiB = (bytes: number) => Number((bytes / MIB).toFixed(1));

/**
 * The parts measured, with what each is, in table order. The bot's (`inOrder`)
 * are loaded one after another into one process, in this order, as the bot
 * loads them, each measured by what it adds: they add up to the process. The
 * others are each loaded alone into a fresh process.
 */
export const MEMORY_PARTS = [
  { part: 'discord.js', process: 'bot', inOrder: true, what: 'discord.js imported and a client made (no connection)' },
  { part: 'pino', process: 'bot', inOrder: true, what: 'the logger (pino)' },
  {
    part: 'opencc',
    process: 'bot',
    inOrder: true,
    what: 'OpenCC: the traditional → simplified tables (three conversions)',
  },
  {
    part: 'bot texts',
    process: 'bot',
    inOrder: true,
    what: "the bot's texts, with the traditional ones converted at start",
  },
  {
    part: 'jieba',
    process: 'bot',
    inOrder: true,
    what: "jieba's segmenter with its whole dictionary (349,046 words)",
  },
  {
    part: 'word-ranks',
    process: 'bot',
    inOrder: true,
    what: 'word ranks: jieba and SUBTLEX-US frequency lists, top 20,000 kept',
  },
  {
    part: 'cc-cedict',
    process: 'bot',
    inOrder: true,
    what: 'CC-CEDICT opened from its SQLite file, and a few words looked up',
  },
  { part: 'hnswlib', process: 'bot', inOrder: true, what: 'hnswlib-node imported' },
  {
    part: 'bot modules',
    process: 'bot',
    inOrder: true,
    what: "the rest of the bot's compiled modules (dist/bot), imported",
  },
  { part: 'prom-client', process: 'bot', what: 'prom-client with the Node defaults (only with METRICS_PORT), alone' },
  { part: 'onnxruntime-node', process: 'model', what: 'onnxruntime-node imported' },
  {
    part: 'onnxruntime session',
    process: 'model',
    what: "the model's memory-mapped copy loaded (arena off): only the pages it touches are resident",
  },
  {
    part: 'onnxruntime session (whole file)',
    process: 'model',
    what: 'for comparison: the weights file loaded whole (as the model process did before)',
  },
  {
    part: 'tokenizer',
    process: 'model',
    what: 'the tokenizer: the Unigram vocabulary in typed arrays; a one-piece tokenizers copy normalizes, pre-tokenizes and splits added tokens',
  },
  {
    part: 'tokenizers tokenizer',
    process: 'model',
    what: "for comparison: tokenizers' own tokenizer of the same file (no longer loaded for a Unigram model)",
  },
  {
    part: 'transformers.js tokenizer',
    process: 'model',
    what: 'for comparison: transformers.js’ tokenizer of the same file (no longer loaded)',
  },
] as const;

export interface PartMemory {
  part: string;
  process: string;
  what: string;
  /** RSS growth when the part is loaded alone into a fresh process, after a full GC (median of the rounds). */
  bytes: number;
}

export interface FootprintMeasurement {
  rounds: number;
  /** The first start on an empty INDEX_DIR: the index is built (the model process's peak shows what that takes). */
  rebuild: FootprintProbeResult;
  compiled: FootprintProbeResult[];
  tsx: FootprintProbeResult[];
  parts: PartMemory[];
  /** A fresh node process doing nothing, after a full GC. */
  nodeBaseline: number;
}

function botEnv(context: BenchContext, indexDir: string): Record<string, string> {
  return {
    EMBEDDING_MODEL: context.model.embedder.model,
    MODEL_CACHE_DIR: context.model.embedder.cacheDir,
    CORPUS_PATH: context.corpusPath,
    INDEX_DIR: indexDir,
    // Every question is answered with the top passages, as in the rest of the benchmark.
    MIN_SCORE: '0',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
  };
}

interface PartStep {
  part: string;
  before: number;
  after: number;
}

/** Loads the parts into one fresh process, one after another: what each added, and Node's own RSS. */
function measureParts(
  parts: readonly string[],
  modelDir: string,
  nodeOptions: readonly string[] = [],
): Promise<{ steps: PartStep[]; node: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(
      path.join(REPOSITORY_ROOT, 'bench', 'memory-parts-probe.mjs'),
      [parts.join(','), path.join(REPOSITORY_ROOT, 'dist'), modelDir],
      { execArgv: ['--expose-gc', ...nodeOptions], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    let result: { steps: PartStep[]; node: number } | undefined;
    child.on('message', (message) => (result = message as typeof result));
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`${parts.join(', ')}: probe exited with ${code}`)),
    );
  });
}

/** Round 21's starting point (bench/footprint-before.json says how it was measured): the "before" columns. */
export interface FootprintBefore {
  commit: string;
  footprint: Record<'startup' | 'afterQuestions' | 'afterBurst', { bot: number; model: number }>;
  nodeBaseline: number;
  parts: Record<string, number>;
}
export const BEFORE = JSON.parse(
  readFileSync(path.join(REPOSITORY_ROOT, 'bench', 'footprint-before.json'), 'utf8'),
) as FootprintBefore;

/** Sums of the two processes. */
export const total = (memory: { bot: ProcessMemory; model: ProcessMemory }) => memory.bot.rss + memory.model.rss;

export async function measureFootprint(context: BenchContext): Promise<FootprintMeasurement> {
  // `npm start` runs dist/: build it if the sources changed since the last build.
  await promisify(execFile)(process.execPath, [path.join(REPOSITORY_ROOT, 'scripts', 'build.mjs'), '--if-stale']);
  const rounds = context.quick ? 1 : 3;
  const questions = context.questions;
  const indexDir = await context.tempDir('footprint-index-');
  const probe = (command: string[], startOnly: boolean) =>
    runChild<FootprintProbeResult>(
      new URL('../footprint-probe.ts', import.meta.url),
      {
        command,
        env: botEnv(context, indexDir),
        questions,
        sequential: SEQUENTIAL_QUESTIONS,
        burst: BURST_QUESTIONS,
        startOnly,
      } satisfies FootprintProbeInput,
      { timeoutMs: 600_000 },
    );

  const rebuild = await probe([...START_OPTIONS, MAIN_COMPILED], true);
  const compiled: FootprintProbeResult[] = [];
  const tsx: FootprintProbeResult[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternating which goes first, so that a slow spell of the machine hits both alike.
    const order = round % 2 === 0 ? ['compiled', 'tsx'] : ['tsx', 'compiled'];
    for (const which of order) {
      if (which === 'compiled') compiled.push(await probe([...START_OPTIONS, MAIN_COMPILED], false));
      else tsx.push(await probe([TSX_CLI, MAIN_SOURCE], true));
    }
  }

  const deltas = new Map<string, number[]>();
  const baselines: number[] = [];
  const record = ({ steps, node }: { steps: PartStep[]; node: number }) => {
    baselines.push(node);
    for (const step of steps) deltas.set(step.part, [...(deltas.get(step.part) ?? []), step.after - step.before]);
  };
  const inOrder = MEMORY_PARTS.filter((part) => 'inOrder' in part).map((part) => part.part);
  for (let round = 0; round < rounds; round++) {
    // With npm start's Node options, as the bot's process runs.
    record(await measureParts(inOrder, context.model.embedder.model, START_OPTIONS));
    for (const { part } of MEMORY_PARTS.filter((entry) => !('inOrder' in entry)))
      record(await measureParts([part], context.model.embedder.model));
  }
  const parts: PartMemory[] = MEMORY_PARTS.map(({ part, process, what }) => ({
    part,
    process,
    what,
    bytes: median(deltas.get(part) ?? [0]),
  }));
  return { rounds, rebuild, compiled, tsx, parts, nodeBaseline: median(baselines) };
}

/** The median of each figure over the runs. */
export function medianRun(runs: FootprintProbeResult[]) {
  const of = (pick: (run: FootprintProbeResult) => number) => median(runs.map(pick));
  const memory = (pick: (run: FootprintProbeResult) => { bot: ProcessMemory; model: ProcessMemory } | undefined) => ({
    bot: { rss: of((run) => pick(run)?.bot.rss ?? 0), peak: of((run) => pick(run)?.bot.peak ?? 0) },
    model: { rss: of((run) => pick(run)?.model.rss ?? 0), peak: of((run) => pick(run)?.model.peak ?? 0) },
  });
  return {
    readyMs: of((run) => run.readyMs),
    firstLogMs: of((run) => run.firstLogMs),
    burstMs: of((run) => run.burstMs ?? 0),
    startup: memory((run) => run.startup),
    afterQuestions: memory((run) => run.afterQuestions),
    afterBurst: memory((run) => run.afterBurst),
  };
}
