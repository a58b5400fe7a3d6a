import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkTemplate,
  isFullRun,
  REPORT_FORMAT,
  renderPerformancePage,
  type BenchReport,
  type SectionReport,
} from '../../bench/lib/report.js';
import { SECTIONS } from '../../bench/sections/index.js';
import { PROJECT_ROOT } from '../support/fixtures.js';

const TEMPLATE_FILE = path.join(PROJECT_ROOT, 'bench', 'performance.template.md');

/** A section's results with every figure it declares set to a marker that names it, and one table. */
function fakeSection(name: string): SectionReport {
  const section = SECTIONS.find((candidate) => candidate.name === name)!;
  return {
    title: section.title,
    durationMs: 12_345,
    tables: [{ title: `${name} table`, columns: ['step', 'p50'], rows: [[`${name} row`, `${name}-table-figure`]] }],
    targets: [{ section: name, name: `${name} measure`, target: '≤ 1', value: `${name}-target-value`, met: false }],
    figures: Object.fromEntries(section.figureNames.map((figure) => [figure, `‹${name}.${figure}›`])),
    data: {},
  };
}

function fakeReport(ran: string[], overrides: Partial<BenchReport> = {}): BenchReport {
  const sections = Object.fromEntries(ran.map((name) => [name, fakeSection(name)]));
  return {
    format: REPORT_FORMAT,
    command: ran.length === SECTIONS.length ? 'npm run bench' : `npm run bench -- --only ${ran.join(',')} --write-docs`,
    startedAt: '2031-02-03T04:05:06.000Z',
    durationMs: 397_000,
    quick: false,
    available: SECTIONS.map(({ name, title }) => ({ name, title })),
    machine: {
      cpus: 7,
      cpuModel: 'Test CPU 9000',
      memoryGiB: 12.5,
      node: 'v20.0.0',
      platform: 'Linux test x64',
      loadAverage: { start: 1.25, end: 3.5 },
    },
    model: {
      description: 'a fake stand-in (9 layers, 77 MB)',
      synthetic: true,
      shape: '9 layers, 77 MB',
      id: '/x',
      quantized: true,
      generatedMs: 4321,
      cacheDir: '.cache/bench-model/x',
    },
    sections,
    targets: Object.values(sections).flatMap((section) => section.targets),
    ...overrides,
  };
}

describe('given the template of docs/performance.md', () => {
  it('then it quotes only figures that the sections return, each inside its own section', async () => {
    expect(checkTemplate(await readFile(TEMPLATE_FILE, 'utf8'), SECTIONS)).toEqual([]);
  });

  it('then a template quoting a figure no section returns is refused', () => {
    const template = [
      '<!-- block: head -->',
      '# P',
      '<!-- block: model:synthetic -->',
      '<!-- block: model:named -->',
      ...SECTIONS.map((section) => `<!-- block: section:${section.name} -->\n## ${section.title}`),
      '<!-- block: tail -->',
    ].join('\n');
    expect(checkTemplate(template, SECTIONS)).toEqual([]);
    const problems = checkTemplate(
      template.replace('## Bursts', '## Bursts {{burst.madeUp}} {{latency.ratioP50}}'),
      SECTIONS,
    );
    expect(problems.join('\n')).toMatch(/burst\.madeUp/);
    expect(problems.join('\n')).toMatch(/latency\.ratioP50/);
  });
});

describe('given the results of a full run', () => {
  it('then the page is rendered from them: how it was produced, every table, and the figures in the prose', async () => {
    const report = fakeReport(SECTIONS.map((section) => section.name));
    expect(isFullRun(report)).toBe(true);
    const page = renderPerformancePage(report, await readFile(TEMPLATE_FILE, 'utf8'));

    expect(page).toContain('`npm run bench`');
    expect(page).toContain('2031-02-03 04:05 UTC');
    expect(page).toContain('6.6 min');
    expect(page).toContain('7 CPUs (Test CPU 9000)');
    expect(page).toContain('a fake stand-in (9 layers, 77 MB)');
    expect(page).toContain('full: every repetition, every size');
    expect(page).not.toContain('Partial run');
    for (const section of SECTIONS) {
      expect(page).toContain(`| ${section.name} row | ${section.name}-table-figure |`);
      expect(page).toContain(
        `| ${section.name} | ${section.name} measure | ≤ 1 | ${section.name}-target-value | NOT met |`,
      );
    }
    // Figures the prose quotes come from the results.
    expect(page).toContain('‹latency.ratioP50›');
    expect(page).toContain('‹search.speedupLargest›');
    expect(page).toContain('‹burst.throughputRatio›');
    expect(page).toContain('‹startup.persistedOpen›');
    expect(page).not.toMatch(/\{\{|\}\}/);
  });

  it('then a figure changes in the page when it changes in the results', async () => {
    const report = fakeReport(SECTIONS.map((section) => section.name));
    report.sections.latency!.figures.ratioP50 = '3.21×';
    const page = renderPerformancePage(report, await readFile(TEMPLATE_FILE, 'utf8'));
    expect(page).toContain('3.21×');
    expect(page).not.toContain('‹latency.ratioP50›');
  });

  it('then results that lack a figure the template quotes are refused rather than rendered with a blank', async () => {
    const report = fakeReport(SECTIONS.map((section) => section.name));
    delete report.sections.burst!.figures.throughputRatio;
    expect(() =>
      renderPerformancePage(
        report,
        '<!-- block: head -->\n<!-- block: model:synthetic -->\n<!-- block: model:named -->\n<!-- block: section:latency -->\n## L\n<!-- block: section:autocomplete -->\n## A\n<!-- block: section:search -->\n## S\n<!-- block: section:burst -->\n## B {{burst.throughputRatio}}\n<!-- block: section:startup -->\n## St\n<!-- block: tail -->',
      ),
    ).toThrow(/burst\.throughputRatio/);
  });
});

describe('given the results of a partial run (--only search)', () => {
  it('then the page says it is partial, reports only that section, and lists the others as not run', async () => {
    const report = fakeReport(['search']);
    expect(isFullRun(report)).toBe(false);
    const page = renderPerformancePage(report, await readFile(TEMPLATE_FILE, 'utf8'));

    expect(page).toContain('**Partial run.**');
    expect(page).toContain('not run: latency, autocomplete, burst, startup');
    expect(page).toContain('‹search.speedupLargest›');
    expect(page).toContain('| search row | search-table-figure |');
    for (const name of ['latency', 'burst', 'startup']) {
      expect(page).not.toContain(`${name} row`);
      expect(page).not.toContain(`‹${name}.`);
    }
    expect(page).toContain(
      '## Answer latency\n\n*Not run by the run that wrote this page (`npm run bench -- --only search --write-docs`).*',
    );
  });

  it('then a quick run is partial too, even with every section', () => {
    expect(
      isFullRun(
        fakeReport(
          SECTIONS.map((section) => section.name),
          { quick: true },
        ),
      ),
    ).toBe(false);
  });
});
