import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { buildDictionary, DICTIONARY_FILE_NAME, isDictionaryCurrent } from './build-dictionary.mjs';

/**
 * Meanings from a maintained bilingual dictionary (CC-CEDICT), looked up on
 * disk: the words a question word may stand for in an article that does not
 * use it. Two Chinese words are linked when they share an English gloss
 * (问题 and 疑问 both mean "question"); an English word is linked to the
 * Chinese words it glosses ("founder" → 创始人, 创办人, …).
 */
export interface Dictionary {
  /** Chinese words that share a gloss with the Chinese `word`, each with how surely it means the same (0–1). */
  synonyms(word: string): MeaningLink[];
  /** Chinese words the English word or phrase glosses (lower case; tried as written, then as its base form). */
  translations(phrase: string): MeaningLink[];
  /** Whether the dictionary has the word: a Chinese headword, or an English gloss (in any form {@link translations} tries). */
  knows(word: string): boolean;
  close(): void;
}

export interface MeaningLink {
  word: string;
  /**
   * How surely the words mean the same, 0–1. A synonym: how specific the gloss they share is, 1 for
   * a gloss of one word alone, 0 for one shared by {@link BROAD_GLOSS} words or more. A translation:
   * 1, whatever the number of words the English word glosses (they are its renderings), unless
   * BROAD_GLOSS or more.
   */
  weight: number;
}

/**
 * A gloss shared by this many words or more ("to make", "thing", "fall") links nothing: it names
 * a broad area of meaning, not a meaning two words share.
 */
export const BROAD_GLOSS = 100;

/** Specificity of a gloss shared by `words` words: 1 for one word, falling with the log of the count, 0 at BROAD_GLOSS. */
export function glossWeight(words: number): number {
  return Math.max(0, 1 - Math.log(Math.max(1, words)) / Math.log(BROAD_GLOSS));
}

/** At most this many links per look-up, the most specific glosses first: the rest would weigh little. */
const MAX_LINKS = 48;

/** How many look-ups the dictionary remembers. */
const RECENT_LOOKUPS = 4096;

/** Where the dictionary is built (at `npm install`, by scripts/build.mjs; again on first use if missing or outdated). */
export const DICTIONARY_FILE = fileURLToPath(new URL(`./${DICTIONARY_FILE_NAME}`, import.meta.url));

const HAN = /\p{Script=Han}/u;

/** English inflections, undone the way WordNet's morphy does it: founded → found, companies → company. */
const INFLECTIONS: ReadonlyArray<[RegExp, string]> = [
  [/ies$/, 'y'],
  [/ses$/, 's'],
  [/xes$/, 'x'],
  [/ches$/, 'ch'],
  [/shes$/, 'sh'],
  [/s$/, ''],
  [/ied$/, 'y'],
  [/ed$/, 'e'],
  [/ed$/, ''],
  [/ing$/, 'e'],
  [/ing$/, ''],
  [/er$/, ''],
  [/est$/, ''],
];

/** An English word or phrase as written, then with its last word's inflection undone (ETFs → etf, founded → found). */
export function baseForms(phrase: string): string[] {
  const words = phrase.split(' ');
  const last = words.pop()!;
  const forms = INFLECTIONS.filter(([ending]) => ending.test(last) && last.length > 3).map(([ending, base]) =>
    [...words, last.replace(ending, base)].join(' '),
  );
  return [phrase, ...new Set(forms)];
}

/**
 * Combines the links of one word through several glosses: each shared gloss is one more chance
 * that they mean the same. A lone character is left out: in Chinese it stands for too many words.
 */
function strongestLinks(
  rows: ReadonlyArray<{ word: string; words: number }>,
  exclude: string,
  weigh: (words: number) => number,
): MeaningLink[] {
  const miss = new Map<string, number>();
  for (const { word, words } of rows) {
    if (word === exclude || [...word].length < 2) continue;
    miss.set(word, (miss.get(word) ?? 1) * (1 - weigh(words)));
  }
  return [...miss]
    .map(([word, chance]) => ({ word, weight: 1 - chance }))
    .filter((link) => link.weight > 0)
    .sort((left, right) => right.weight - left.weight || (left.word < right.word ? -1 : 1));
}

/** CC-CEDICT in an SQLite file, read through a small page cache: none of it is held in memory. */
export class CedictDictionary implements Dictionary {
  private readonly synonymQuery: Database.Statement<[{ key: string; broad: number }], { word: string; words: number }>;
  private readonly translationQuery: Database.Statement<
    [{ key: string; broad: number }],
    { word: string; words: number }
  >;
  private readonly headwordQuery: Database.Statement<[string], { found: number }>;
  private readonly glossQuery: Database.Statement<[string], { found: number }>;

  private constructor(private readonly database: Database.Database) {
    this.synonymQuery = database.prepare(`
      SELECT other.word AS word, size.words AS words
      FROM gloss AS mine
      JOIN gloss_size AS size ON size.gloss = mine.gloss AND size.words < @broad
      JOIN gloss AS other ON other.gloss = mine.gloss
      WHERE mine.word = @key
      ORDER BY size.words LIMIT ${MAX_LINKS}`);
    this.translationQuery = database.prepare(`
      SELECT gloss.word AS word, size.words AS words
      FROM gloss_size AS size JOIN gloss ON gloss.gloss = size.gloss
      WHERE size.gloss = @key AND size.words < @broad
      LIMIT ${MAX_LINKS}`);
    this.headwordQuery = database.prepare('SELECT 1 AS found FROM gloss WHERE word = ? LIMIT 1');
    this.glossQuery = database.prepare('SELECT 1 AS found FROM gloss_size WHERE gloss = ?');
  }

  /** Opens the dictionary, building it first (a few seconds, once) when it is missing or from another source. */
  static async open(file = DICTIONARY_FILE): Promise<CedictDictionary> {
    if (!isDictionaryCurrent(file)) await buildDictionary(file);
    const database = new Database(file, { readonly: true, fileMustExist: true });
    // A page cache of a few MiB: a question's lookups touch a few dozen pages, and later questions reuse them.
    database.pragma('cache_size = -4096');
    return new CedictDictionary(database);
  }

  synonyms(word: string): MeaningLink[] {
    return this.remembered(`s:${word}`, () =>
      strongestLinks(this.synonymQuery.all({ key: word, broad: BROAD_GLOSS }), word, glossWeight),
    );
  }

  translations(phrase: string): MeaningLink[] {
    return this.remembered(`t:${phrase}`, () => {
      for (const form of baseForms(phrase.toLowerCase())) {
        const rows = this.translationQuery.all({ key: form, broad: BROAD_GLOSS });
        if (rows.length > 0) return strongestLinks(rows, '', () => 1);
      }
      return [];
    });
  }

  knows(word: string): boolean {
    return this.remembered(`k:${word}`, () =>
      HAN.test(word)
        ? this.headwordQuery.get(word) !== undefined
        : baseForms(word.toLowerCase()).some((form) => this.glossQuery.get(form) !== undefined),
    );
  }

  /** The answers to recent look-ups: questions repeat their words, and each answer is a few small objects. */
  private readonly recent = new Map<string, unknown>();

  private remembered<T>(key: string, lookUp: () => T): T {
    if (this.recent.has(key)) return this.recent.get(key) as T;
    if (this.recent.size >= RECENT_LOOKUPS) this.recent.delete(this.recent.keys().next().value!);
    const found = lookUp();
    this.recent.set(key, found);
    return found;
  }

  close(): void {
    this.database.close();
  }
}
