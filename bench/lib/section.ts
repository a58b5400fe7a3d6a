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

export interface SectionResult {
  tables: Table[];
  targets: Target[];
  /** The same figures, machine-readable. */
  data: Record<string, unknown>;
}

export interface Section {
  name: string;
  title: string;
  run(context: BenchContext): Promise<SectionResult>;
}
