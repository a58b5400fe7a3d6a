/**
 * `npm run bench`: where an answer's time goes, against the model's own
 * forward pass and against other ways to search. Prints tables and writes the
 * same figures to bench-results.json. Not part of `npm test`.
 *
 *   npm run bench                      # everything (several minutes)
 *   npm run bench -- --only search     # one or more sections: latency, search, burst, startup
 *   npm run bench -- --quick           # a smoke test: fewer repetitions, no 100k vectors
 *
 * The model is the random-weight stand-in with multilingual-e5-small's shape
 * (generated once into .cache/bench-model/), or the one EMBEDDING_MODEL names.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, readConfig } from '../src/config/config.js';
import { createContext } from './lib/context.js';
import { benchModel, REPOSITORY_ROOT } from './lib/model.js';
import type { Section, SectionResult, Target } from './lib/section.js';
import { met, renderMarkdown, renderText, seconds, type Table } from './lib/table.js';
import { burstSection } from './sections/burst.js';
import { latencySection } from './sections/latency.js';
import { searchSection } from './sections/search.js';
import { startupSection } from './sections/startup.js';

const SECTIONS: Section[] = [latencySection, searchSection, burstSection, startupSection];
const RESULTS_FILE = path.join(REPOSITORY_ROOT, 'bench-results.json');

class UsageError extends Error {}

function usage(): string {
  return [
    'usage: npm run bench -- [--only SECTION[,SECTION…]] [--quick]',
    `sections: ${SECTIONS.map((section) => `${section.name} (${section.title.toLowerCase()})`).join(', ')}`,
  ].join('\n');
}

function selectedSections(only: string[] | undefined): Section[] {
  if (!only?.length) return SECTIONS;
  const names = only.flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !SECTIONS.some((section) => section.name === name));
  if (unknown.length) throw new UsageError(`unknown section${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}\n${usage()}`);
  return SECTIONS.filter((section) => names.includes(section.name));
}

function machine() {
  const cpus = os.cpus();
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

async function main(): Promise<void> {
  let values: { only?: string[]; quick?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { only: { type: 'string', multiple: true }, quick: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage()}`);
  }
  if (values.help) {
    console.log(usage());
    return;
  }
  const sections = selectedSections(values.only);
  const quick = values.quick ?? false;
  const config = readConfig();
  const model = await benchModel(config);
  const host = machine();
  const started = new Date();

  console.log(`Machine: ${host.cpus} CPUs (${host.cpuModel}), ${host.memoryGiB} GiB, Node ${host.node}, ${host.platform}`);
  console.log(`Model:   ${model.description}`);
  if (model.provenance.cacheDir) {
    console.log(
      `         ${model.provenance.generatedMs === null ? 'from the cache' : `generated in ${seconds(model.provenance.generatedMs)}, cached`} in ${path.relative(REPOSITORY_ROOT, model.provenance.cacheDir)}`,
    );
  }
  console.log(`Mode:    ${quick ? 'quick (smoke test: fewer repetitions, smaller sets)' : 'full'}; sections: ${sections.map((section) => section.name).join(', ')}\n`);

  const context = await createContext(config, model, quick);
  const results: Record<string, SectionResult & { durationMs: number }> = {};
  const tables: Table[] = [];
  const targets: Target[] = [];
  try {
    for (const section of sections) {
      process.stderr.write(`[${section.name}] ${section.title}…\n`);
      const sectionStarted = performance.now();
      const result = await section.run(context);
      const durationMs = performance.now() - sectionStarted;
      results[section.name] = { ...result, durationMs };
      for (const table of result.tables) console.log(`${renderText(table)}\n`);
      tables.push(...result.tables);
      targets.push(...result.targets);
      process.stderr.write(`[${section.name}] done in ${seconds(durationMs)}\n\n`);
    }
  } finally {
    await context.dispose();
  }

  const summary: Table = {
    title: 'Targets',
    columns: ['section', 'measure', 'target', 'measured', 'verdict'],
    rows: targets.map((target) => [target.section, target.name, target.target, target.value, met(target.met)]),
  };
  if (targets.length) console.log(renderText(summary));

  await writeFile(
    RESULTS_FILE,
    JSON.stringify(
      {
        startedAt: started.toISOString(),
        durationMs: Date.now() - started.getTime(),
        quick,
        machine: host,
        model: { description: model.description, synthetic: model.synthetic, id: model.embedder.model, quantized: model.embedder.quantized },
        targets,
        sections: Object.fromEntries(Object.entries(results).map(([name, result]) => [name, { durationMs: result.durationMs, ...result.data }])),
        // The tables as printed, and as Markdown for the README.
        tables: tables.map((table) => ({ ...table, text: renderText(table) })),
        markdown: [...tables, ...(targets.length ? [summary] : [])].map(renderMarkdown).join('\n\n'),
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nFigures written to ${path.relative(process.cwd(), RESULTS_FILE) || RESULTS_FILE}.`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof UsageError) console.error(error.message);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
