import { readFileSync } from 'node:fs';

/**
 * How specific a word is in the language at large, from 0 (an everyday word:
 * 现在, 多少, 比较, "now", "better") to 1 (a rare word, a name, a number:
 * 杰文斯, 6000, "Jevons"). A question's everyday words say nothing about
 * whether an article speaks to it; its specific words do.
 *
 * Ranks come from general word-frequency lists, not from the corpus:
 * jieba's own dictionary (word frequencies from a large general Chinese
 * corpus) and SUBTLEX-US (74,286 English words counted in 51 million words of
 * film subtitles). A word among a language's {@link EVERYDAY_RANK} most
 * frequent is everyday; one beyond its {@link RARE_RANK}th, or absent from the
 * list, is as specific as a name; in between, specificity grows with the log of
 * the rank. The two ranks are vocabulary sizes (a learner's everyday
 * vocabulary; an educated reader's), the same for both languages, chosen
 * before any question was evaluated.
 */
export const EVERYDAY_RANK = 1_000;
export const RARE_RANK = 20_000;

/**
 * Parts of speech (jieba's tags) that carry no topic whatever their
 * frequency: pronouns, numerals written in words (一克, 几倍: a figure in
 * digits is another matter), classifiers, adverbs, prepositions,
 * conjunctions, particles, interjections, onomatopoeia and locatives (之前).
 */
export const FUNCTION_TAGS = /^(r|m|mq|q|d|p|c|u[a-z]*|y|e|o|f)$/;

/**
 * The ranked words, computed from the two lists by `npm run word-ranks`
 * (word-frequency-lists.ts) and shipped: the lists themselves take ~40 MiB to
 * read and rank at every start, this file a few (a test keeps it in step with them).
 */
export const WORD_RANKS_FILE = new URL('./word-ranks.json', import.meta.url);

const HAN = /\p{Script=Han}/u;
const DIGIT = /\p{N}/u;

interface WordRanks {
  chinese: Map<string, number>;
  english: Map<string, number>;
}

/** word-ranks.json: each language's words, most frequent first (rank = position + 1). */
export interface RankedWords {
  chinese: string[];
  english: string[];
}

const ranked = (words: readonly string[]) => new Map(words.map((word, index) => [word, index + 1]));

let ranks: WordRanks | undefined;

/** Loads the lists now, at start-up, rather than during the first question. Only the ranked words are kept. */
export function loadWordRanks(): void {
  if (ranks) return;
  const words = JSON.parse(readFileSync(WORD_RANKS_FILE, 'utf8')) as RankedWords;
  ranks = { chinese: ranked(words.chinese), english: ranked(words.english) };
}

/** The word's rank in its language's frequency list, or undefined beyond {@link RARE_RANK}. */
export function wordRank(word: string): number | undefined {
  loadWordRanks();
  return (HAN.test(word) ? ranks!.chinese : ranks!.english).get(word);
}

function specificityOfRank(rank: number | undefined): number {
  if (rank === undefined) return 1;
  if (rank <= EVERYDAY_RANK) return 0;
  return Math.log(rank / EVERYDAY_RANK) / Math.log(RARE_RANK / EVERYDAY_RANK);
}

/**
 * A compound read as the words that make it up (美国公司 → 美国 + 公司,
 * 计算机专业 → 计算机 + 专业): of the ways its parts tile it exactly, the
 * most everyday one, weighed by its most specific part. Undefined when no
 * parts tile it (暴跌 is a word of its own).
 */
function tilingSpecificity(word: string, parts: readonly string[]): number | undefined {
  const characters = [...word];
  const pieces = parts
    .filter((part) => part !== word && [...part].length >= 2)
    .map((part) => ({ part: [...part], specificity: specificityOfRank(wordRank(part)) }));
  // best[i]: the lowest possible "most specific part" over tilings of the first i characters.
  const best = new Array<number>(characters.length + 1).fill(Infinity);
  best[0] = 0;
  for (let start = 0; start < characters.length; start++) {
    if (best[start] === Infinity) continue;
    for (const { part, specificity } of pieces) {
      const end = start + part.length;
      if (end > characters.length || part.some((character, offset) => characters[start + offset] !== character))
        continue;
      best[end] = Math.min(best[end]!, Math.max(best[start]!, specificity));
    }
  }
  return best[characters.length] === Infinity ? undefined : best[characters.length];
}

export interface WordToWeigh {
  /** Normalised: simplified script, lower case. */
  word: string;
  /** jieba's part-of-speech tag, when known. */
  tag?: string;
  /**
   * The word's parts in jieba's search mode (今天天气 → 今天, 天天, 天气): a
   * compound rarer than its parts (the dictionary counts it only where it was
   * written as one word) is as specific as the parts that make it up.
   */
  parts?: readonly string[];
}

/**
 * Specificity of a question's word, 0–1. Numbers in digits are always
 * specific: a figure found verbatim is strong evidence.
 */
export function wordSpecificity({ word, tag, parts = [] }: WordToWeigh): number {
  if (DIGIT.test(word)) return 1;
  if (tag && FUNCTION_TAGS.test(tag)) return 0;
  const rank = wordRank(word);
  if (rank !== undefined || !HAN.test(word)) return specificityOfRank(rank);
  const tiled = tilingSpecificity(word, parts);
  if (tiled !== undefined) return tiled;
  // A two-character word jieba did not know (tag x: 这轮, 多大) is as specific as its rarer character.
  if (tag === 'x' && [...word].length === 2)
    return Math.max(...[...word].map((character) => specificityOfRank(wordRank(character))));
  return 1;
}
