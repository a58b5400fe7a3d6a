import * as OpenCC from 'opencc-js';

/** Converts text between Chinese scripts and regional vocabularies. */
export type ScriptConverter = (text: string) => string;

/**
 * An OpenCC converter, e.g. `{ from: 'tw', to: 'cn' }` (Taiwan to mainland
 * characters) or `'twp'` (with Taiwanese phrases). opencc-js ships types whose
 * extensionless relative imports do not resolve under NodeNext, so its
 * `Converter` reaches TypeScript untyped; this is the one place that says what
 * it is.
 */
export function scriptConverter(from: string, to: string): ScriptConverter {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- see above
  return OpenCC.Converter({ from, to });
}
