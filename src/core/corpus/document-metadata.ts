/**
 * What is known of a document beyond its text, kept at the top of its file as front matter
 * (docs/operations.md#the-corpus-format): an article added from a link records where it came
 * from. A file without front matter has none, and is read as before.
 *
 * ```
 * ---
 * title: "DeepSeek and Wall Street"
 * byline: "Wang Weijia"
 * site_name: "Example News"
 * published: "2025-01-27T08:00:00Z"
 * source_url: "https://news.example/deepseek"
 * fetched_at: "2026-12-04T16:00:00.000Z"
 * ---
 * ```
 *
 * One `key: value` per line; values are JSON strings (so any character, quotes and newlines
 * included, can be written); unknown keys are ignored.
 */
export interface DocumentMetadata {
  title?: string;
  byline?: string;
  siteName?: string;
  /** The publication date as the page gives it (ISO 8601 where it does). */
  published?: string;
  /** Where the document was fetched from: quotes link back to it. */
  sourceUrl?: string;
  fetchedAt?: string;
}

const KEYS = {
  title: 'title',
  byline: 'byline',
  siteName: 'site_name',
  published: 'published',
  sourceUrl: 'source_url',
  fetchedAt: 'fetched_at',
} as const satisfies Record<keyof DocumentMetadata, string>;

const FIELDS = new Map<string, keyof DocumentMetadata>(
  Object.entries(KEYS).map(([field, key]) => [key, field as keyof DocumentMetadata]),
);

const FENCE = '---';

/** A document's text split into its front matter (if it starts with one) and its body. */
export function splitFrontMatter(text: string): { metadata: DocumentMetadata | undefined; body: string } {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!normalized.startsWith(`${FENCE}\n`)) return { metadata: undefined, body: text };
  const end = normalized.indexOf(`\n${FENCE}\n`, FENCE.length);
  const closesAtEnd = normalized.endsWith(`\n${FENCE}`) ? normalized.length - FENCE.length - 1 : -1;
  const close = end !== -1 ? end : closesAtEnd;
  if (close === -1) return { metadata: undefined, body: text };
  const metadata: DocumentMetadata = {};
  for (const line of normalized.slice(FENCE.length + 1, close).split('\n')) {
    const match = /^([a-z_]+):\s*(.*)$/.exec(line.trim());
    const field = match ? FIELDS.get(match[1]!) : undefined;
    if (!match || !field) continue;
    const raw = match[2]!.trim();
    let value: unknown = raw;
    if (raw.startsWith('"')) {
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
    }
    if (typeof value === 'string' && value.trim()) metadata[field] = value.trim();
  }
  return { metadata, body: normalized.slice(close + FENCE.length + 2) };
}

/** The front matter for a document's metadata (empty fields left out), ready to put before its text. */
export function formatFrontMatter(metadata: DocumentMetadata): string {
  const lines = (Object.keys(KEYS) as Array<keyof DocumentMetadata>)
    .filter((field) => metadata[field])
    .map((field) => `${KEYS[field]}: ${JSON.stringify(metadata[field])}`);
  return `${FENCE}\n${lines.join('\n')}\n${FENCE}\n`;
}
