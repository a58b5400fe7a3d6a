import { scriptConverter } from './script-converter.js';

// Traditional to simplified, the script the article is in. Character-level
// converters (Taiwan, Hong Kong) are safe on any text; the Taiwan *phrase*
// converter also maps Taiwanese vocabulary to the mainland's (輝達→英伟达,
// 晶片→芯片, 軟體→软件, 執行長→首席执行官), but it would also rewrite
// simplified text that happens to spell a Taiwanese word (程序→进程), so it
// only runs on clauses that are written in traditional characters.
const taiwanCharacters = scriptConverter('tw', 'cn');
const taiwanPhrases = scriptConverter('twp', 'cn');
const hongKongToSimplified = scriptConverter('hk', 'cn');

const INVISIBLE = /[\u200B-\u200F\u2028-\u202F\u2060-\u206F\uFEFF]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g;
/** Clause boundaries: each clause is judged traditional or not on its own. */
const CLAUSE = /([。！？!?；;，,、：:\n]+)/;

function toSimplified(text: string): string {
  const converted = text
    .split(CLAUSE)
    .map((clause) => {
      const characters = taiwanCharacters(clause);
      return characters === clause ? clause : taiwanPhrases(clause);
    })
    .join('');
  return hongKongToSimplified(converted);
}

/**
 * Brings text into the form the index holds: NFKC (full-width letters and
 * digits become ASCII), simplified Chinese with mainland vocabulary, no
 * invisible or control characters, lower case. Applied to passages and
 * questions alike.
 */
export function normalizeText(text: string): string {
  return toSimplified(text.normalize('NFKC').replace(INVISIBLE, '').replace(CONTROL, ' ')).toLowerCase();
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
  return toSimplified(stripInvisible(text).normalize('NFKC'));
}

/**
 * A normalised word as `text` spells it (創始人 for 创始人 in a traditional question, Founder for
 * founder): the shortest stretch of `text` that normalises to it, or the word itself when none does
 * (a phrase conversion that changed its length beyond recognition).
 */
export function asSpelledIn(text: string, word: string): string {
  // Most often the question spells it so (simplified Chinese, or English in another case): no conversion needed.
  const at = text.toLowerCase().indexOf(word);
  if (at >= 0) return text.slice(at, at + word.length);
  const characters = [...text];
  const length = [...word].length;
  for (let span = Math.max(1, length - 1); span <= length + 2; span++) {
    for (let start = 0; start + span <= characters.length; start++) {
      const stretch = characters.slice(start, start + span).join('');
      if (normalizeText(stretch).trim() === word) return stretch.trim();
    }
  }
  return word;
}
