/**
 * docs/performance.md, rendered from the results of one run of `npm run bench`
 * and the template bench/performance.template.md. Pure (no I/O), so a test can
 * render fixed results.
 *
 * The template is Markdown cut into blocks, each starting at a line
 * `<!-- block: NAME -->`: `head`, `model:synthetic` or `model:named` (whichever
 * fits the run's model), one `section:NAME` per benchmark section, and `tail`.
 * Placeholders `{{key}}` take their text from the run:
 *
 *   {{run.provenance}}, {{run.partialNote}}, {{run.command}}, {{run.duration}}, {{run.cpus}}
 *   {{model.description}}, {{model.shape}} (synthetic only), {{model.provenance}}
 *   {{targets}}                       the targets table of the run
 *   {{NAME.tables}}, {{NAME.FIGURE}}  a section's tables and the figures it returns
 *                                     (only inside that section's block)
 *
 * A section the run did not do keeps only its block's heading, with a note
 * that it was not run; nothing of another run is ever filled in. A placeholder
 * the run has no value for is an error, not a blank.
 */
import type { Target } from './section.js';
import { met, renderMarkdown, seconds, type Table } from './table.js';

/** Bumped when the shape of bench-results.json changes, so `--render` refuses results it cannot read. */
export const REPORT_FORMAT = 2;

export interface MachineReport {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  /** The one-minute load average when the run started and when it ended (other work on the machine shows here). */
  loadAverage: { start: number; end: number };
}

export interface ModelReport {
  description: string;
  synthetic: boolean;
  shape: string | null;
  id: string;
  quantized: boolean;
  /** How long generating the synthetic model took in this run; null when it came from the cache (or is not synthetic). */
  generatedMs: number | null;
  /** Where the synthetic model is cached, relative to the repository. */
  cacheDir: string | null;
}

export interface SectionReport {
  title: string;
  durationMs: number;
  tables: Table[];
  targets: Target[];
  figures: Record<string, string>;
  data: Record<string, unknown>;
}

/** What bench-results.json holds: one run, all of it. */
export interface BenchReport {
  format: typeof REPORT_FORMAT;
  /** The command line of the run, e.g. "npm run bench -- --only search". */
  command: string;
  startedAt: string;
  durationMs: number;
  quick: boolean;
  /** Every section the benchmark has, run or not, in page order. */
  available: { name: string; title: string }[];
  machine: MachineReport;
  model: ModelReport;
  /** The sections this run did, by name. */
  sections: Record<string, SectionReport>;
  targets: Target[];
  /**
   * The bot's memory after start-up and 50 questions, and after a burst of 64
   * (MiB; the startup section's, when it ran).
   */
  footprint?: { totalRssMiB: number; botRssMiB: number; modelRssMiB: number; afterBurstRssMiB: number };
}

/** A full run: every section, at full size. Only a full run replaces docs/performance.md unless asked (--write-docs). */
export function isFullRun(report: Pick<BenchReport, 'quick' | 'available' | 'sections'>): boolean {
  return !report.quick && report.available.every((section) => section.name in report.sections);
}

export function targetsTable(targets: readonly Target[]): Table {
  return {
    title: 'Targets',
    columns: ['section', 'measure', 'target', 'measured', 'verdict'],
    rows: targets.map((target) => [target.section, target.name, target.target, target.value, met(target.met)]),
  };
}

const MARKER = /^<!-- block: ([\w:-]+) -->\s*$/;
const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;
const RUN_KEYS = ['provenance', 'partialNote', 'command', 'duration', 'cpus'];
const MODEL_KEYS = ['description', 'shape', 'provenance'];

/** The template's blocks by name; text before the first marker (the template's own comment) is dropped. */
export function parseTemplate(template: string): Map<string, string> {
  const blocks = new Map<string, string>();
  let current: { name: string; lines: string[] } | undefined;
  const close = () => {
    if (current) blocks.set(current.name, current.lines.join('\n').trim());
  };
  for (const line of template.split(/\r?\n/)) {
    const marker = MARKER.exec(line);
    if (!marker) {
      current?.lines.push(line);
      continue;
    }
    close();
    if (blocks.has(marker[1]!)) throw new Error(`the template has two blocks named ${marker[1]}`);
    current = { name: marker[1]!, lines: [] };
  }
  close();
  return blocks;
}

const placeholdersOf = (text: string) => [...text.matchAll(PLACEHOLDER)].map((match) => match[1]!);

/**
 * What is wrong with a template for these sections: missing blocks, and
 * placeholders no run could fill (a figure a section does not return, or one
 * quoted outside its section's block). Empty when the template is sound.
 */
export function checkTemplate(
  template: string,
  sections: readonly { name: string; figureNames: readonly string[] }[],
): string[] {
  const problems: string[] = [];
  let blocks: Map<string, string>;
  try {
    blocks = parseTemplate(template);
  } catch (error) {
    return [(error as Error).message];
  }
  const required = [
    'head',
    'model:synthetic',
    'model:named',
    ...sections.map((section) => `section:${section.name}`),
    'tail',
  ];
  for (const name of required) if (!blocks.has(name)) problems.push(`the template has no block ${name}`);
  for (const name of blocks.keys())
    if (!required.includes(name)) problems.push(`the template has a block ${name} that nothing renders`);
  for (const [name, text] of blocks) {
    const own = name.startsWith('section:')
      ? sections.find((section) => `section:${section.name}` === name)
      : undefined;
    for (const key of placeholdersOf(text)) {
      const [scope, field, ...rest] = key.split('.');
      const ok =
        rest.length === 0 &&
        ((scope === 'targets' && field === undefined) ||
          (scope === 'run' && RUN_KEYS.includes(field!)) ||
          (scope === 'model' && MODEL_KEYS.includes(field!) && (field !== 'shape' || name === 'model:synthetic')) ||
          (own !== undefined && scope === own.name && (field === 'tables' || own.figureNames.includes(field!))));
      if (!ok) problems.push(`block ${name}: {{${key}}} is not something this block can quote`);
    }
  }
  return problems;
}

const duration = (milliseconds: number) =>
  milliseconds >= 60_000 ? `${(milliseconds / 60_000).toFixed(1)} min` : seconds(milliseconds);
const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

function provenance(report: BenchReport, renderedAt: Date | undefined): string {
  const { machine, model } = report;
  const ran = report.available.filter((section) => section.name in report.sections);
  const skipped = report.available.filter((section) => !(section.name in report.sections));
  const rows: [string, string][] = [
    ['command', `\`${report.command}\``],
    ['started', utc(report.startedAt)],
    ['duration', duration(report.durationMs)],
    [
      'mode',
      report.quick
        ? 'quick: a smoke test, with fewer repetitions and smaller sets'
        : 'full: every repetition, every size',
    ],
    [
      'sections',
      ran.map((section) => `${section.name} (${duration(report.sections[section.name]!.durationMs)})`).join(', ') +
        (skipped.length ? `; not run: ${skipped.map((section) => section.name).join(', ')}` : ''),
    ],
    [
      'machine',
      `${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB RAM, Node ${machine.node}, ${machine.platform}`,
    ],
    [
      'load average (1 min)',
      `${machine.loadAverage.start.toFixed(2)} at the start, ${machine.loadAverage.end.toFixed(2)} at the end`,
    ],
    ['model', model.description],
  ];
  if (renderedAt)
    rows.push([
      'rendered',
      `again from bench-results.json by \`npm run bench -- --render\`, ${utc(renderedAt.toISOString())}`,
    ]);
  return [
    '| | this run |',
    '| --- | --- |',
    ...rows.map(([name, value]) => `| ${name} | ${value.replace(/\|/g, '\\|')} |`),
  ].join('\n');
}

function partialNote(report: BenchReport): string {
  if (isFullRun(report)) return '';
  const ran = report.available.filter((section) => section.name in report.sections).map((section) => section.name);
  const reasons = [
    ...(report.quick
      ? [
          'It was a quick run (a smoke test): fewer repetitions and smaller sets, so its figures are rougher, and targets set at sizes it did not reach are not judged.',
        ]
      : []),
    ...(ran.length < report.available.length
      ? [`It ran only ${ran.join(', ')}; the sections it did not run are listed but not reported.`]
      : []),
  ];
  return [
    `> **Partial run.** ${reasons.join(' ')}`,
    "> A partial run writes this page only when asked to (`--write-docs`); the last full report is in this file's history (`git log -p docs/performance.md`).",
  ].join('\n');
}

function interpolate(block: string, name: string, values: Map<string, string>): string {
  const missing: string[] = [];
  const text = block.replace(PLACEHOLDER, (_whole, key: string) => {
    const value = values.get(key);
    if (value === undefined) missing.push(key);
    return value ?? '';
  });
  if (missing.length)
    throw new Error(`block ${name}: this run has no value for ${missing.map((key) => `{{${key}}}`).join(', ')}`);
  return text;
}

export interface RenderOptions {
  /** Set when the page is rendered again from saved results rather than by the run itself. */
  renderedAt?: Date;
}

/** docs/performance.md for one run's results. Throws when the template quotes something the run does not have. */
export function renderPerformancePage(report: BenchReport, template: string, options: RenderOptions = {}): string {
  const blocks = parseTemplate(template);
  const block = (name: string) => {
    const text = blocks.get(name);
    if (text === undefined) throw new Error(`the template has no block ${name}`);
    return text;
  };

  const common = new Map<string, string>([
    ['run.provenance', provenance(report, options.renderedAt)],
    ['run.partialNote', partialNote(report)],
    ['run.command', report.command],
    ['run.duration', duration(report.durationMs)],
    ['run.cpus', String(report.machine.cpus)],
    ['model.description', report.model.description],
    [
      'model.provenance',
      report.model.generatedMs !== null
        ? `generated for this run in ${seconds(report.model.generatedMs)}`
        : report.model.cacheDir
          ? `this run took it from the cache, \`${report.model.cacheDir}\``
          : 'not generated',
    ],
    [
      'targets',
      report.targets.length
        ? renderMarkdown(targetsTable(report.targets)).replace(/^\*\*Targets\*\*\n\n/, '')
        : '*This run judged no target.*',
    ],
  ]);
  if (report.model.shape !== null) common.set('model.shape', report.model.shape);

  const parts = [interpolate(block('head'), 'head', common)];
  const modelBlock = report.model.synthetic ? 'model:synthetic' : 'model:named';
  parts.push(interpolate(block(modelBlock), modelBlock, common));
  for (const section of report.available) {
    const name = `section:${section.name}`;
    const text = block(name);
    const result = report.sections[section.name];
    if (!result) {
      const heading = text.split('\n').find((line) => line.startsWith('#')) ?? `## ${section.title}`;
      parts.push(`${heading}\n\n*Not run by the run that wrote this page (\`${report.command}\`).*`);
      continue;
    }
    const values = new Map(common);
    values.set(`${section.name}.tables`, result.tables.map(renderMarkdown).join('\n\n'));
    for (const [figure, value] of Object.entries(result.figures)) values.set(`${section.name}.${figure}`, value);
    parts.push(interpolate(text, name, values));
  }
  parts.push(interpolate(block('tail'), 'tail', common));
  return `${parts
    .join('\n\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
