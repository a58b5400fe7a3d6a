import * as OpenCC from 'opencc-js';

// Traditional (Taiwan, Hong Kong and generic) to simplified, the script the article is in.
const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });
const hongKongToSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });

const INVISIBLE = /[\u200B-\u200F\u2028-\u202F\u2060-\u206F\uFEFF]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

/**
 * Brings text into the form the index holds: NFKC (full-width letters and
 * digits become ASCII), simplified Chinese, no invisible or control
 * characters, lower case. Applied to passages and questions alike.
 */
export function normalizeText(text: string): string {
  const cleaned = text.normalize('NFKC').replace(INVISIBLE, '').replace(CONTROL, ' ');
  return hongKongToSimplified(toSimplified(cleaned)).toLowerCase();
}

/** Removes zero-width and control characters but keeps the script, for display and echoing. */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '').replace(CONTROL, ' ');
}

/**
 * Simplified script and NFKC, but case and spacing kept: what the embedding
 * model sees (its tokenizer is cased; the lexical ranker lower-cases itself).
 */
export function toSimplifiedScript(text: string): string {
  return hongKongToSimplified(toSimplified(stripInvisible(text).normalize('NFKC')));
}
