/**
 * `npm run bench`: where an answer's time goes, against the model's own
 * forward pass and against other ways to search. Not part of `npm test`.
 *
 *   npm run bench                      # everything (several minutes); rewrites docs/performance.md
 *   npm run bench -- --only search     # one or more sections: latency, search, burst, startup
 *   npm run bench -- --quick           # a smoke test: fewer repetitions, no 100k vectors
 *   npm run bench -- --render          # re-render docs/performance.md from bench-results.json, measuring nothing
 *
 * Every run prints its tables and writes all its results to bench-results.json
 * (git-ignored). docs/performance.md is rendered from those results and the
 * template bench/performance.template.md (bench/lib/report.ts): every figure
 * in the page, tables and prose alike, comes from the run that wrote it.
 *
 * Partial runs: only a full run (every section, not --quick) rewrites
 * docs/performance.md. A partial run (--only, --quick) leaves the page as it
 * is, unless given --write-docs; then the page it writes says it is partial
 * and reports only the sections that ran (the others are listed as not run).
 * Figures of different runs are never mixed in one page. --render follows the
 * same rule for the results it re-renders.
 *
 * The model is the random-weight stand-in with multilingual-e5-small's shape
 * (generated once into .cache/bench-model/), or the one EMBEDDING_MODEL names.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, readConfig } from '../src/config/config.js';
import { createContext } from './lib/context.js';
import { benchModel, REPOSITORY_ROOT } from './lib/model.js';
import {
  checkTemplate,
  isFullRun,
  REPORT_FORMAT,
  renderPerformancePage,
  targetsTable,
  type BenchReport,
  type SectionReport,
} from './lib/report.js';
import type { Section, Target } from './lib/section.js';
import { renderText, seconds } from './lib/table.js';
import { SECTIONS } from './sections/index.js';

const RESULTS_FILE = path.join(REPOSITORY_ROOT, 'bench-results.json');
const TEMPLATE_FILE = path.join(REPOSITORY_ROOT, 'bench', 'performance.template.md');
const PAGE_FILE = path.join(REPOSITORY_ROOT, 'docs', 'performance.md');

class UsageError extends Error {}

function usage(): string {
  return [
    'usage: npm run bench -- [--only SECTION[,SECTION…]] [--quick] [--write-docs]',
    '       npm run bench -- --render [--write-docs]',
    `sections: ${SECTIONS.map((section) => `${section.name} (${section.title.toLowerCase()})`).join(', ')}`,
    'A full run rewrites docs/performance.md; a partial one (--only, --quick) only with --write-docs.',
    '--render re-renders docs/performance.md from bench-results.json (after editing bench/performance.template.md).',
  ].join('\n');
}

function selectedSections(only: string[] | undefined): Section[] {
  if (!only?.length) return SECTIONS;
  const names = only
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !SECTIONS.some((section) => section.name === name));
  if (unknown.length)
    throw new UsageError(`unknown section${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}\n${usage()}`);
  return SECTIONS.filter((section) => names.includes(section.name));
}

function machine(): Omit<BenchReport['machine'], 'loadAverage'> {
  const cpus = os.cpus();
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** The command line as a user would type it again. */
function commandLine(args: string[]): string {
  const model = process.env.EMBEDDING_MODEL?.trim();
  return `${model ? `EMBEDDING_MODEL=${model} ` : ''}npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
}

async function loadTemplate(): Promise<string> {
  const template = await readFile(TEMPLATE_FILE, 'utf8');
  const problems = checkTemplate(template, SECTIONS);
  if (problems.length) throw new Error(`${path.relative(REPOSITORY_ROOT, TEMPLATE_FILE)}:\n  ${problems.join('\n  ')}`);
  return template;
}

/** Writes docs/performance.md when the rule allows it (see the header comment); says what it did. */
async function writePage(report: BenchReport, template: string, writeDocs: boolean, renderedAt?: Date): Promise<void> {
  const page = path.relative(process.cwd(), PAGE_FILE) || PAGE_FILE;
  if (!isFullRun(report) && !writeDocs) {
    console.log(
      `${page} left as it was: this was a partial run (${report.quick ? '--quick' : '--only'}); add --write-docs to replace it with this run's partial report.`,
    );
    return;
  }
  const text = renderPerformancePage(report, template, { renderedAt });
  await mkdir(path.dirname(PAGE_FILE), { recursive: true });
  const temporary = `${PAGE_FILE}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, PAGE_FILE);
  console.log(`${page} written${isFullRun(report) ? '' : ' (a partial report, as --write-docs asked)'}.`);
}

async function render(writeDocs: boolean): Promise<void> {
  const template = await loadTemplate();
  if (!existsSync(RESULTS_FILE)) throw new UsageError(`${RESULTS_FILE} does not exist: run npm run bench first.`);
  const report = JSON.parse(await readFile(RESULTS_FILE, 'utf8')) as BenchReport;
  if (report.format !== REPORT_FORMAT)
    throw new UsageError(`${RESULTS_FILE} was written by another version of the benchmark: run npm run bench again.`);
  await writePage(report, template, writeDocs, new Date());
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let values: { only?: string[]; quick?: boolean; 'write-docs'?: boolean; render?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        only: { type: 'string', multiple: true },
        quick: { type: 'boolean', default: false },
        'write-docs': { type: 'boolean', default: false },
        render: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage()}`);
  }
  if (values.help) {
    console.log(usage());
    return;
  }
  const writeDocs = values['write-docs'] ?? false;
  if (values.render) {
    if (values.only?.length || values.quick)
      throw new UsageError(`--render measures nothing: it takes neither --only nor --quick\n${usage()}`);
    await render(writeDocs);
    return;
  }
  const sections = selectedSections(values.only);
  const quick = values.quick ?? false;
  // Checked before measuring: a template the run could not fill would only fail after minutes of work.
  const template = await loadTemplate();
  const config = readConfig();
  const started = new Date();
  const loadAtStart = os.loadavg()[0]!;
  const model = await benchModel(config);
  const host = machine();

  console.log(
    `Machine: ${host.cpus} CPUs (${host.cpuModel}), ${host.memoryGiB} GiB, Node ${host.node}, ${host.platform}; load average ${loadAtStart.toFixed(2)}`,
  );
  console.log(`Model:   ${model.description}`);
  if (model.provenance.cacheDir) {
    console.log(
      `         ${model.provenance.generatedMs === null ? 'from the cache' : `generated in ${seconds(model.provenance.generatedMs)}, cached`} in ${path.relative(REPOSITORY_ROOT, model.provenance.cacheDir)}`,
    );
  }
  console.log(
    `Mode:    ${quick ? 'quick (smoke test: fewer repetitions, smaller sets)' : 'full'}; sections: ${sections.map((section) => section.name).join(', ')}\n`,
  );

  const context = await createContext(config, model, quick);
  const results: Record<string, SectionReport> = {};
  const targets: Target[] = [];
  try {
    for (const section of sections) {
      process.stderr.write(`[${section.name}] ${section.title}…\n`);
      const sectionStarted = performance.now();
      const result = await section.run(context);
      const durationMs = performance.now() - sectionStarted;
      results[section.name] = { title: section.title, durationMs, ...result };
      for (const table of result.tables) console.log(`${renderText(table)}\n`);
      targets.push(...result.targets);
      process.stderr.write(`[${section.name}] done in ${seconds(durationMs)}\n\n`);
    }
  } finally {
    await context.dispose();
  }
  if (targets.length) console.log(renderText(targetsTable(targets)));

  const report: BenchReport = {
    format: REPORT_FORMAT,
    command: commandLine(args),
    startedAt: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    quick,
    available: SECTIONS.map(({ name, title }) => ({ name, title })),
    machine: { ...host, loadAverage: { start: loadAtStart, end: os.loadavg()[0]! } },
    model: {
      description: model.description,
      synthetic: model.synthetic,
      shape: model.shape,
      id: model.embedder.model,
      quantized: model.embedder.quantized,
      generatedMs: model.provenance.generatedMs,
      cacheDir: model.provenance.cacheDir ? path.relative(REPOSITORY_ROOT, model.provenance.cacheDir) : null,
    },
    sections: results,
    targets,
    ...(results.startup ? { footprint: results.startup.data.footprint as BenchReport['footprint'] } : {}),
  };
  // The results first: if the page cannot be rendered, they are kept, and `--render` can try again.
  await writeFile(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nFigures written to ${path.relative(process.cwd(), RESULTS_FILE) || RESULTS_FILE}.`);
  await writePage(report, template, writeDocs);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof UsageError) console.error(error.message);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
