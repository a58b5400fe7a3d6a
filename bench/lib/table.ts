/** A titled table for the terminal (aligned columns) and for docs/performance.md (Markdown). */
export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
  notes?: string[];
}

const width = (text: string) =>
  [...text].reduce((sum, character) => sum + (/[\u1100-\u9fff\uff00-\uffef]/u.test(character) ? 2 : 1), 0);

function pad(text: string, size: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, size - width(text)));
  return right ? fill + text : text + fill;
}

/** Numbers (and ratios, percentages) are right-aligned, words left-aligned. */
const numeric = (text: string) => /^[-+≈<>≤≥~]?\s?[\d.,]+\s?(×|%|ms|s|MiB|k)?$/.test(text.trim());

export function renderText(table: Table): string {
  const sizes = table.columns.map((column, index) =>
    Math.max(width(column), ...table.rows.map((row) => width(row[index] ?? ''))),
  );
  const line = (cells: string[], header = false) =>
    cells
      .map((cell, index) => pad(cell, sizes[index]!, !header && index > 0 && numeric(cell)))
      .join('  ')
      .trimEnd();
  return [
    `== ${table.title} ==`,
    line(table.columns, true),
    sizes.map((size) => '-'.repeat(size)).join('  '),
    ...table.rows.map((row) => line(row)),
    ...(table.notes ?? []).map((note) => `  ${note}`),
  ].join('\n');
}

export function renderMarkdown(table: Table): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `**${table.title}**`,
    '',
    `| ${table.columns.map(escape).join(' | ')} |`,
    `| ${table.columns.map((_, index) => (index === 0 ? '---' : '---:')).join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
    ...(table.notes?.length ? ['', ...table.notes.map((note) => `${note}  `)] : []),
  ].join('\n');
}

export const ms = (value: number, digits?: number) =>
  Number.isFinite(value)
    ? `${value.toFixed(digits ?? (value < 1 ? 3 : value < 10 ? 2 : value < 100 ? 1 : 0))} ms`
    : '–';
export const ratio = (value: number) =>
  Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)}×` : '–';
export const count = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–');
export const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
export const seconds = (milliseconds: number) => `${(milliseconds / 1000).toFixed(milliseconds < 10_000 ? 2 : 1)} s`;
export const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
