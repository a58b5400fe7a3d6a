/**
 * One start-up of the bot's core in a fresh process, as `npm start` does it:
 * load the model, open the knowledge base (loading the persisted index or
 * building it), answer one question. Run by bench/sections/startup.ts in a
 * child process (node --import tsx) so every start is cold and its memory is
 * its own; reports its figures over IPC.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { TransformersEmbedder, type TransformersEmbedderOptions } from '../src/core/embedding/transformers-embedder.js';
import { KnowledgeBase, type IndexReport } from '../src/core/knowledge-base.js';

export interface StartupProbeInput {
  embedder: TransformersEmbedderOptions;
  corpusPath: string;
  indexDir: string;
  batchSize: number;
  question: string;
}

export interface StartupProbeResult {
  /** From the process's start to this script running (Node, tsx, imports). */
  processMs: number;
  modelLoadMs: number;
  openMs: number;
  firstAnswerMs: number;
  report: IndexReport;
  /** process.memoryUsage() right after start-up (model loaded, index open), before the first question. */
  memory: { rss: number; heapUsed: number; external: number };
  /** Resident memory of the model's own process at the same moment (the weights live there). */
  modelRss: number;
}

async function main(): Promise<void> {
  const processMs = performance.now();
  const input = JSON.parse(process.argv[2]!) as StartupProbeInput;
  let started = performance.now();
  const embedder = await TransformersEmbedder.load(input.embedder);
  const modelLoadMs = performance.now() - started;
  started = performance.now();
  const knowledgeBase = await KnowledgeBase.open({
    corpusPath: input.corpusPath,
    indexDir: input.indexDir,
    embedder,
    batchSize: input.batchSize,
  });
  const openMs = performance.now() - started;
  const { rss, heapUsed, external } = process.memoryUsage();
  const modelRss = residentBytes(embedder.modelProcessId);
  started = performance.now();
  await knowledgeBase.ask(input.question);
  const firstAnswerMs = performance.now() - started;
  await knowledgeBase.close();
  const result: StartupProbeResult = {
    processMs,
    modelLoadMs,
    openMs,
    firstAnswerMs,
    report: knowledgeBase.startReport,
    memory: { rss, heapUsed, external },
    modelRss,
  };
  process.send!(result);
}

/** VmRSS of a process, from /proc (Linux); 0 where that cannot be read. */
function residentBytes(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
