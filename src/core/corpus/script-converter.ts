import CJKCompatibility from 'opencc-js/dict/CJK_Compatibility_Ideographs';
import HKVariantsRev from 'opencc-js/dict/HKVariantsRev';
import HKVariantsRevPhrases from 'opencc-js/dict/HKVariantsRevPhrases';
import STCharacters from 'opencc-js/dict/STCharacters';
import TSCharacters from 'opencc-js/dict/TSCharacters';
import TSPhrases from 'opencc-js/dict/TSPhrases';
import TWPhrasesRev from 'opencc-js/dict/TWPhrasesRev';
import TWVariants from 'opencc-js/dict/TWVariants';
import TWVariantsPhrases from 'opencc-js/dict/TWVariantsPhrases';
import TWVariantsRev from 'opencc-js/dict/TWVariantsRev';
import TWVariantsRevPhrases from 'opencc-js/dict/TWVariantsRevPhrases';

/** Converts text between Chinese scripts and regional vocabularies. */
export type ScriptConverter = (text: string) => string;

/**
 * OpenCC's conversions with opencc-js's dictionaries, held compactly.
 * opencc-js builds a trie with one Map per character of every entry (its
 * three converters and the phrase converter to traditional took ~55 MiB of
 * the bot); here a group of dictionaries is one Map from entry to
 * replacement, searched longest entry first, which finds the same match as
 * the trie. The conversions follow opencc-js 1.4's configurations step for
 * step (normalise compatibility ideographs, cut the text at the
 * segmentation dictionary's phrases, convert each piece through the chain);
 * tests/core/corpus/script-converter.test.ts checks them against opencc-js.
 */
class PhraseTable {
  private readonly replacements = new Map<string, string>();
  private longest = 0;

  /**
   * Earlier dictionaries win over later ones for the same entry, as in an
   * OpenCC group. With `present`, only entries made of those UTF-16 code
   * units are held: the others cannot occur in the texts at hand.
   */
  constructor(dictionaries: readonly string[], present?: ReadonlySet<number>) {
    for (const dictionary of [...dictionaries].reverse()) {
      // Scanned in place rather than split: a 49,000-entry split would be garbage the heap keeps room for.
      for (let start = 0; start < dictionary.length;) {
        const space = dictionary.indexOf(' ', start);
        let end = dictionary.indexOf('|', start);
        if (end === -1) end = dictionary.length;
        if (space !== -1 && space < end && (!present || madeOf(dictionary, start, space, present))) {
          const source = dictionary.slice(start, space);
          const next = dictionary.indexOf(' ', space + 1);
          this.replacements.set(source, dictionary.slice(space + 1, next !== -1 && next < end ? next : end));
          this.longest = Math.max(this.longest, source.length);
        }
        start = end + 1;
      }
    }
  }

  /** The longest entry that starts at `start`: its end and replacement. */
  match(text: string, start: number): { end: number; replacement: string } | undefined {
    for (let length = Math.min(this.longest, text.length - start); length > 0; length--) {
      const replacement = this.replacements.get(text.slice(start, start + length));
      if (replacement !== undefined) return { end: start + length, replacement };
    }
    return undefined;
  }

  /** Replaces, left to right, the longest entry at each place; what no entry matches is kept. */
  convert(text: string): string {
    return this.walk(text, (piece, replacement) => replacement ?? piece).join('');
  }

  /** The text cut into this table's entries and the runs between them. */
  segment(text: string): string[] {
    return this.walk(text, (piece) => piece);
  }

  private walk(text: string, emit: (piece: string, replacement?: string) => string): string[] {
    const pieces: string[] = [];
    let unmatchedFrom: number | undefined;
    for (let at = 0; at < text.length;) {
      const found = this.match(text, at);
      if (found) {
        if (unmatchedFrom !== undefined) pieces.push(emit(text.slice(unmatchedFrom, at)));
        unmatchedFrom = undefined;
        pieces.push(emit(text.slice(at, found.end), found.replacement));
        at = found.end;
      } else {
        unmatchedFrom ??= at;
        at += unmatchedLength(text, at);
      }
    }
    if (unmatchedFrom !== undefined) pieces.push(emit(text.slice(unmatchedFrom)));
    return pieces;
  }
}

function madeOf(text: string, start: number, end: number, present: ReadonlySet<number>): boolean {
  for (let at = start; at < end; at++) if (!present.has(text.charCodeAt(at))) return false;
  return true;
}

function codePointLength(text: string, at: number): number {
  return (text.codePointAt(at) ?? 0) > 0xffff ? 2 : 1;
}

/** An ideographic description sequence (⿰木木) is skipped whole, as opencc-js does. */
function descriptionSequenceEnd(text: string, at: number): number {
  const point = text.codePointAt(at) ?? 0;
  const arity = point >= 0x2ff2 && point <= 0x2ff3 ? 3 : point >= 0x2ff0 && point <= 0x2fff ? 2 : 0;
  if (arity === 0) return 0;
  let end = at + codePointLength(text, at);
  for (let operand = 0; operand < arity; operand++) {
    if (end >= text.length) return 0;
    end = descriptionSequenceEnd(text, end) || end + codePointLength(text, end);
  }
  return end;
}

function unmatchedLength(text: string, at: number): number {
  const end = descriptionSequenceEnd(text, at);
  return end > at ? end - at : codePointLength(text, at);
}

/** Tables are shared between conversions: each dictionary group is held once. */
const tables = new Map<string, PhraseTable>();
function table(name: string, dictionaries: () => readonly string[]): PhraseTable {
  let found = tables.get(name);
  if (!found) {
    found = new PhraseTable(dictionaries());
    tables.set(name, found);
  }
  return found;
}

const compatibility = () => table('compatibility', () => [CJKCompatibility]);
const traditionalToSimplified = () => table('ts', () => [TSPhrases, TSCharacters]);
const traditionalPhrases = () => table('ts-phrases', () => [TSPhrases]);

/** An OpenCC configuration: normalise, cut at the segmentation table's phrases, convert each piece. */
function configured(segmentation: PhraseTable | undefined, chain: readonly PhraseTable[]): ScriptConverter {
  const normalization = compatibility();
  return (text) => {
    const normalized = normalization.convert(text);
    const pieces = segmentation ? segmentation.segment(normalized) : [normalized];
    return pieces.map((piece) => chain.reduce((converted, step) => step.convert(converted), piece)).join('');
  };
}

/** The conversions the bot uses, by `from>to` as opencc-js names its locales. */
const CONVERSIONS: Record<string, () => ScriptConverter> = {
  // Taiwan to mainland characters (OpenCC's tw2s).
  'tw>cn': () =>
    configured(traditionalPhrases(), [
      table('tw-variants', () => [TWVariantsRevPhrases, TWVariantsRev]),
      traditionalToSimplified(),
    ]),
  // The same with Taiwanese phrases replaced by the mainland's (tw2sp).
  'twp>cn': () =>
    configured(traditionalPhrases(), [
      table('tw-phrases', () => [TWPhrasesRev, TWVariantsRevPhrases, TWVariantsRev]),
      traditionalToSimplified(),
    ]),
  // Hong Kong to mainland characters (hk2s).
  'hk>cn': () =>
    configured(traditionalPhrases(), [
      table('hk-variants', () => [HKVariantsRevPhrases, HKVariantsRev]),
      traditionalToSimplified(),
    ]),
};

/** One converter per direction, shared by everyone who asks for the same one. */
const converters = new Map<string, ScriptConverter>();

/** An OpenCC conversion to simplified Chinese: `tw`, `twp` (with Taiwanese phrases) or `hk` to `cn`. */
export function scriptConverter(from: string, to: string): ScriptConverter {
  const key = `${from}>${to}`;
  let converter = converters.get(key);
  if (!converter) {
    const make = CONVERSIONS[key];
    if (!make) throw new Error(`no script conversion from ${from} to ${to}`);
    converter = make();
    converters.set(key, converter);
  }
  return converter;
}

/**
 * Texts converted from simplified to traditional (Taiwan), phrases and all
 * (OpenCC's s2tw): for a few fixed texts, converted once. Its phrase
 * dictionary has ~49,000 entries; only those whose every character occurs
 * in the texts could match, so only they are held, and only while converting.
 */
export async function toTaiwan(texts: readonly string[]): Promise<string[]> {
  const [{ default: STPhrases }, { default: STRegionalPhrases }] = await Promise.all([
    import('opencc-js/dict/STPhrases'),
    import('opencc-js/dict/STPhrases_GeneratedFromRegionalPhrases'),
  ]);
  const present = new Set<number>();
  for (const text of texts) for (let at = 0; at < text.length; at++) present.add(text.charCodeAt(at));
  const convert = configured(new PhraseTable([STPhrases, STRegionalPhrases], present), [
    new PhraseTable([STPhrases, STRegionalPhrases, STCharacters], present),
    new PhraseTable([TWVariantsPhrases, TWVariants]),
  ]);
  return texts.map(convert);
}

/**
 * Simplified to traditional (Taiwan) character by character, without the
 * phrase tables. Enough to tell which characters of a text would change;
 * not for writing traditional text.
 */
export function traditionalCharacters(): ScriptConverter {
  const characters = table('st-characters', () => [STCharacters]);
  const variants = table('tw-variants-forward', () => [TWVariants]);
  return (text) => variants.convert(characters.convert(text));
}
