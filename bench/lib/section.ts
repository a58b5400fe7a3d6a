import type { BenchContext } from './context.js';
import type { Table } from './table.js';

export interface Target {
  section: string;
  name: string;
  /** The target as written in the issue, e.g. "≤ 1.10". */
  target: string;
  value: string;
  met: boolean;
}

export interface SectionResult<F extends string = string> {
  tables: Table[];
  targets: Target[];
  /**
   * The figures the prose of docs/performance.md quotes ({{<section>.<name>}}
   * in bench/performance.template.md), formatted as the tables format them.
   */
  figures: Record<F, string>;
  /** The same figures, machine-readable. */
  data: Record<string, unknown>;
}

export interface Section<F extends string = string> {
  name: string;
  title: string;
  /** Every figure a run of this section returns: the only ones the page's template may quote. */
  figureNames: readonly F[];
  run(context: BenchContext): Promise<SectionResult<F>>;
}

/** 'met' or 'not met', for prose (the tables say "NOT met"). */
export const verdict = (ok: boolean) => (ok ? 'met' : 'not met');
