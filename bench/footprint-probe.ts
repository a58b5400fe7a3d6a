/**
 * The bot as `npm start` runs it (the compiled build, or tsx on the sources),
 * connected to a loopback fake of Discord (tests/support/fake-discord.ts), with
 * a persisted index: its resident memory and its model process's after
 * start-up, after 50 questions one at a time, and after a burst of 64 at once.
 * Run by bench/lib/footprint.ts in a child process; reports over IPC.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { FakeDiscord } from '../tests/support/fake-discord.js';

export interface FootprintProbeInput {
  /** node and its arguments: ['dist/bot/main.js'] or ['node_modules/.bin/tsx', 'src/bot/main.ts'] (absolute). */
  command: string[];
  env: Record<string, string>;
  questions: string[];
  sequential: number;
  burst: number;
  /** Only start, measure, and stop (for the rebuild and for timing the start-up). */
  startOnly?: boolean;
}

export interface ProcessMemory {
  /** VmRSS: resident now. */
  rss: number;
  /** VmHWM: the most it was resident at once. */
  peak: number;
}

export interface FootprintProbeResult {
  /** From spawning the process to its "ready: answering questions" log line. */
  readyMs: number;
  /** From spawning to its first log line (Node, the loader and the imports before any work). */
  firstLogMs: number;
  startup: { bot: ProcessMemory; model: ProcessMemory };
  afterQuestions?: { bot: ProcessMemory; model: ProcessMemory };
  afterBurst?: { bot: ProcessMemory; model: ProcessMemory };
  burstMs?: number;
  answered: number;
}

function memoryOf(pid: number | undefined): ProcessMemory {
  if (pid === undefined) return { rss: 0, peak: 0 };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kilobytes('VmRSS') * 1024, peak: kilobytes('VmHWM') * 1024 };
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** A process and all its descendants. */
function treeOf(pid: number): number[] {
  return [pid, ...childrenOf(pid).flatMap(treeOf)];
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * The memory of the bot's process tree, split into the model process and
 * everything else: the bot's own process, and under tsx, tsx's launcher and
 * esbuild's service too (all of it is what running the bot costs).
 */
function measureTree(root: number): { bot: ProcessMemory; model: ProcessMemory } {
  const pids = treeOf(root);
  const modelPid = pids.find((pid) => commandLineOf(pid).includes('embedding-process.mjs'));
  const bot = pids
    .filter((pid) => pid !== modelPid)
    .map(memoryOf)
    .reduce((sum, memory) => ({ rss: sum.rss + memory.rss, peak: sum.peak + memory.peak }), { rss: 0, peak: 0 });
  return { bot, model: memoryOf(modelPid) };
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2]!) as FootprintProbeInput;
  const fake = await FakeDiscord.start();
  const started = performance.now();
  const child = spawn(process.execPath, input.command, {
    env: { PATH: process.env.PATH ?? '', ...input.env, DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let firstLogMs: number | undefined;
  child.stderr.on('data', (chunk: Buffer) => {
    firstLogMs ??= performance.now() - started;
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    await waitFor(
      () => stderr.includes('ready: answering questions') || child.exitCode !== null,
      300_000,
      'the bot to be ready',
    );
    if (child.exitCode !== null) throw new Error(`the bot exited before it was ready:\n${stderr}`);
    const readyMs = performance.now() - started;
    const measure = () => measureTree(child.pid!);
    const result: FootprintProbeResult = {
      readyMs,
      firstLogMs: firstLogMs ?? readyMs,
      startup: measure(),
      answered: 0,
    };
    if (!input.startOnly) {
      // A user per question: the per-user rate limit is not what is measured here.
      const ask = (index: number) =>
        fake.sendInteraction({
          name: 'ask',
          userId: String(300000000000000000n + BigInt(index)),
          options: { question: input.questions[index % input.questions.length]! },
        }).done;
      for (let index = 0; index < input.sequential; index++) {
        await ask(index);
        result.answered++;
      }
      result.afterQuestions = measure();
      const burstStarted = performance.now();
      await Promise.all(
        Array.from({ length: input.burst }, (_, index) => ask(input.sequential + index).then(() => result.answered++)),
      );
      result.burstMs = performance.now() - burstStarted;
      result.afterBurst = measure();
    }
    child.kill('SIGTERM');
    await exited;
    process.send!(result);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await fake.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
