import * as OpenCC from 'opencc-js';
import { ConverterFactory } from 'opencc-js/core';
import STCharacters from 'opencc-js/dict/STCharacters';
import TWVariants from 'opencc-js/dict/TWVariants';

/** Converts text between Chinese scripts and regional vocabularies. */
export type ScriptConverter = (text: string) => string;

/** One converter per direction: each holds its dictionaries in memory (megabytes for some). */
const converters = new Map<string, ScriptConverter>();

/**
 * An OpenCC converter, e.g. `{ from: 'tw', to: 'cn' }` (Taiwan to mainland
 * characters) or `'twp'` (with Taiwanese phrases), shared by everyone who asks
 * for the same one. opencc-js ships types whose extensionless relative imports
 * do not resolve under NodeNext, so its `Converter` reaches TypeScript
 * untyped; this is the one place that says what it is.
 */
export function scriptConverter(from: string, to: string): ScriptConverter {
  const key = `${from}>${to}`;
  let converter = converters.get(key);
  if (!converter) {
    converter = OpenCC.Converter({ from, to }) as ScriptConverter;
    converters.set(key, converter);
  }
  return converter;
}

/** A converter of its own (not shared, not kept): for converting a few fixed texts once, then dropping it. */
export function unsharedScriptConverter(from: string, to: string): ScriptConverter {
  return OpenCC.Converter({ from, to }) as ScriptConverter;
}

/**
 * Simplified to traditional (Taiwan) character by character, without
 * OpenCC's phrase tables: about 8 MiB instead of ~60. Enough to tell which
 * characters of a text would change; not for writing traditional text.
 */
export function traditionalCharacters(): ScriptConverter {
  return ConverterFactory([STCharacters], [TWVariants]);
}
