import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';
import { normalizeText } from '../corpus/normalize.js';
import { FUNCTION_TAGS, loadWordRanks, wordSpecificity } from './relevance/specificity.js';

let segmenter: Jieba | undefined;
function jieba(): Jieba {
  // Loading the dictionary takes ~0.2 s, so only the first tokenisation pays it. It is read here
  // rather than through `@node-rs/jieba/dict.js`, which would also keep the 6 MB idf table in memory.
  segmenter ??= Jieba.withDict(readFileSync(createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt')));
  return segmenter;
}

/** A text's words with their parts of speech (jieba's tags), after normalisation (simplified script, lower case). */
export function taggedWords(text: string): Array<{ word: string; tag: string }> {
  return jieba().tag(normalizeText(text), true);
}

/** A word's parts in jieba's search mode (计算机专业 → 计算, 算机, 专业, 计算机, …). */
export function searchParts(word: string): string[] {
  return jieba().cutForSearch(word, false);
}

/** Loads the segmenter's dictionary and the word-frequency ranks now, at start-up, rather than during the first question. */
export function warmUpSegmenter(): void {
  jieba();
  loadWordRanks();
}

/**
 * Words that say nothing about which paragraph answers: question words,
 * particles, pronouns, "the article", and English function words.
 */
const STOP_WORDS = new Set(
  (
    '的 了 是 在 和 与 及 或 吗 呢 吧 啊 呀 么 嘛 也 都 就 还 又 很 被 把 让 给 对 从 向 以 于 而 之 其 这 那 这个 那个 这些 那些 这样 那样 ' +
    '什么 多少 为什么 为何 怎么 怎样 怎么样 怎么回事 如何 哪些 哪个 哪里 哪 谁 几 是否 有没有 是不是 能否 可否 请问 请 告诉 我 你 他 她 它 我们 你们 他们 ' +
    '文章 作者 本文 文中 提到 说 讲 认为 觉得 一下 有 没有 会 能 要 吗 哪儿 ' +
    // Words for the asker's own now: in a question they point at the present day, not at the article
    // (「今天天气怎么样」 must not match the article's 「股市震荡的今天」).
    '今天 明天 昨天 现在 ' +
    'a an the of in on at to for by with from is are was were be been what which who whom why how when where does do did ' +
    'this that these those it its article author say says said about and or not can could would should will there their they ' +
    'i me my we our you your he she his her s t much many more than today tomorrow yesterday now'
  ).split(/\s+/),
);

const CJK = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}]/u;

/** Bump when {@link lexicalTerms} changes: persisted indexes hold terms, so older ones must be rebuilt. */
export const LEXICAL_FORMAT_VERSION = 2;

/** A well-formed lexical index from another analyzer version: outdated, not damaged. */
export class LexicalFormatMismatch extends Error {
  override name = 'LexicalFormatMismatch';
}

/** Identifies the stop-word list, so editing it alone also invalidates persisted terms. */
const ANALYZER = createHash('sha256')
  .update([...STOP_WORDS].join(' '))
  .digest('hex')
  .slice(0, 16);

/** CJK character bigrams, which catch words the segmenter splits differently in question and passage. */
function bigrams(text: string): string[] {
  const result: string[] = [];
  for (const run of text.match(/\p{Script=Han}+/gu) ?? []) {
    const characters = [...run];
    for (let index = 0; index + 1 < characters.length; index++)
      result.push(characters[index]! + characters[index + 1]!);
  }
  return result;
}

function informative(word: string): boolean {
  // A lone Han character is mostly noise once bigrams are there; keep letters and numbers.
  return WORD.test(word) && !STOP_WORDS.has(word) && !(CJK.test(word) && [...word].length === 1);
}

/**
 * The terms a text is indexed and searched by: segmented words (search mode,
 * so 英伟达市值 yields both words and their parts) plus character bigrams,
 * after normalisation (simplified script, NFKC, lower case).
 */
export function lexicalTerms(text: string): string[] {
  let terms = termCache.get(text);
  if (!terms) {
    if (termCache.size >= TERM_CACHE_SIZE) termCache.delete(termCache.keys().next().value!);
    termCache.set(text, (terms = computeLexicalTerms(text)));
  }
  return [...terms];
}

/** Sentences of the passages recur in every highlight, questions in search, coverage and highlight: analyse each once. */
const TERM_CACHE_SIZE = 4096;
const termCache = new Map<string, readonly string[]>();

function computeLexicalTerms(text: string): string[] {
  const normalized = normalizeText(text);
  const words = jieba()
    .cutForSearch(normalized, true)
    .map((word) => word.trim())
    .filter(informative);
  return [...words, ...bigrams(normalized).filter((bigram) => !STOP_WORDS.has(bigram))];
}

/**
 * The informative words of a question (precise segmentation, no stop words,
 * no lone Han characters): what "covering the question" is measured against.
 */
function questionWords(text: string): string[] {
  const words = jieba()
    .cut(normalizeText(text), true)
    .map((word) => word.trim())
    .filter(informative);
  return [...new Set(words)];
}

/** A question's informative word and how specific it is in the language at large (0 everyday … 1 a name). */
export interface WeighedWord {
  word: string;
  specificity: number;
  /** A content word (not a pronoun, numeral, adverb, particle…, by its part of speech). */
  content: boolean;
  /** A noun, by its part of speech (jieba's n, nr, ns, nt, nz…; not English, which jieba does not tag). */
  noun: boolean;
  /** The word's parts in jieba's search mode, other than itself (计算机专业 → 计算, 计算机, 专业…). */
  parts: string[];
}

/**
 * The informative words of a question with their specificity: segmented
 * and tagged precisely, so that function words are known by their part of
 * speech, and compounds can be weighed by their parts.
 */
export function weighedQuestionWords(text: string): WeighedWord[] {
  const seen = new Set<string>();
  const words: WeighedWord[] = [];
  for (const { word: raw, tag } of taggedWords(text)) {
    const word = raw.trim();
    if (!informative(word) || seen.has(word)) continue;
    seen.add(word);
    const parts = CJK.test(word) ? searchParts(word) : [];
    words.push({
      word,
      specificity: wordSpecificity({ word, tag, parts }),
      content: !FUNCTION_TAGS.test(tag),
      noun: /^n/.test(tag),
      parts: parts.filter((part) => part !== word && [...part].length >= 2),
    });
  }
  return words;
}

/** A question word the article lacks, and the article's words the dictionary links it to, each with the link's weight. */
export interface LinkedWord {
  word: string;
  links: ReadonlyArray<{ word: string; weight: number }>;
  /**
   * How much the word's links weigh in BM25, 0–1: an everyday word says little of which passage
   * answers, and its translations no more (its share of the question's coverage is its links' own).
   */
  rankWeight: number;
}

/** What the article holds of a question's words: for each word, how much of it each passage contains. */
export interface LexicalEvidence {
  words: WeighedWord[];
  /** `matches[word][passage]`, 0–1: 1 when the word is one of the passage's terms (see wordMatch). */
  matches: number[][];
}

export interface LexicalHit {
  passage: number;
  /** BM25 score. */
  score: number;
  /**
   * Share of the question's information found in the passage, 0–1: the
   * idf-weighted fraction of its informative words that the passage
   * contains (a long Chinese word the passage only partly contains counts
   * by the share of its bigrams found).
   */
  coverage: number;
}

export interface SerializedLexicalIndex {
  version: typeof LEXICAL_FORMAT_VERSION;
  /** The stop-word list the terms were made with. */
  analyzer: string;
  k1: number;
  b: number;
  documents: string[][];
}

/** Okapi BM25 over the passages' terms, plus how much of a question each passage covers. */
export class LexicalIndex {
  private readonly postings = new Map<string, { passage: number; frequency: number }[]>();
  private readonly termSets: Set<string>[];
  private readonly lengths: number[];
  private readonly averageLength: number;

  private constructor(private readonly data: SerializedLexicalIndex) {
    this.lengths = data.documents.map((terms) => terms.length);
    this.averageLength = this.lengths.reduce((sum, length) => sum + length, 0) / Math.max(1, this.lengths.length);
    this.termSets = data.documents.map((terms) => new Set(terms));
    data.documents.forEach((terms, passage) => {
      const frequencies = new Map<string, number>();
      for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
      for (const [term, frequency] of frequencies) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ passage, frequency });
      }
    });
  }

  static build(texts: readonly string[], options: { k1?: number; b?: number } = {}): LexicalIndex {
    return new LexicalIndex({
      version: LEXICAL_FORMAT_VERSION,
      analyzer: ANALYZER,
      k1: options.k1 ?? 1.2,
      b: options.b ?? 0.75,
      documents: texts.map(lexicalTerms),
    });
  }

  /** Rejects any other format or stop-word list: terms made by other rules would not match today's questions. */
  static fromJSON(data: SerializedLexicalIndex): LexicalIndex {
    if (!Array.isArray(data?.documents)) throw new Error('unsupported lexical index format');
    if (data.version !== LEXICAL_FORMAT_VERSION || data.analyzer !== ANALYZER) {
      throw new LexicalFormatMismatch('the lexical index was built by another version of the analyzer');
    }
    return new LexicalIndex(data);
  }

  toJSON(): SerializedLexicalIndex {
    return this.data;
  }

  get size(): number {
    return this.lengths.length;
  }

  /** Inverse document frequency (BM25+ style, never negative); `documentFrequency` may be fractional. */
  private idfOf(documentFrequency: number): number {
    return Math.log(1 + (this.size - documentFrequency + 0.5) / (documentFrequency + 0.5));
  }

  /** How telling a term is in this corpus (its idf): rare names and numbers weigh most, words every paragraph has least. */
  termWeight(term: string): number {
    return this.idfOf(this.postings.get(term)?.length ?? 0);
  }

  /** The passages that hold `term` among their terms (none when the article never uses it). */
  passagesWith(term: string): number[] {
    return (this.postings.get(term) ?? []).map((posting) => posting.passage);
  }

  /**
   * How much of `word` each passage that has any of it contains (see wordMatch): a word the
   * segmenter splits in the article (英伟达 → 英 + 伟达) is still found by its bigrams.
   */
  matchesOf(word: string): Map<number, number> {
    const candidates = new Set(this.passagesWith(word));
    if ([...word].length >= 3 && CJK.test(word))
      for (const pair of bigrams(word)) for (const passage of this.passagesWith(pair)) candidates.add(passage);
    const matches = new Map<number, number>();
    for (const passage of candidates) {
      const match = this.wordMatch(word, passage);
      if (match > 0) matches.set(passage, match);
    }
    return matches;
  }

  /** How much of `word` a passage contains: 1 when it is one of its terms, else the share of its bigrams (long CJK words only). */
  private wordMatch(word: string, passage: number): number {
    const terms = this.termSets[passage]!;
    if (terms.has(word)) return 1;
    const characters = [...word];
    if (characters.length < 3 || !CJK.test(word)) return 0;
    const pairs = bigrams(word);
    return pairs.length === 0 ? 0 : pairs.filter((pair) => terms.has(pair)).length / pairs.length;
  }

  /** Coverage of the question by every passage (see {@link LexicalHit.coverage}); a linked word counts by its link's weight. */
  coverage(question: string, linked: readonly LinkedWord[] = []): number[] {
    const words = questionWords(question);
    const coverage = new Array<number>(this.size).fill(0);
    if (words.length === 0) return coverage;
    const linksOf = new Map(linked.map((entry) => [entry.word, entry.links]));
    let total = 0;
    for (const word of words) {
      const matches = this.termSets.map((_, passage) => this.wordMatch(word, passage));
      for (const link of linksOf.get(word) ?? []) {
        for (const [passage, match] of this.matchesOf(link.word))
          matches[passage] = Math.max(matches[passage]!, link.weight * match);
      }
      const weight = this.idfOf(matches.reduce((sum, match) => sum + match, 0));
      total += weight;
      matches.forEach((match, passage) => (coverage[passage]! += weight * match));
    }
    return coverage.map((value) => value / total);
  }

  /** How much of each of the question's words each passage contains (see {@link LexicalEvidence}). */
  evidence(question: string): LexicalEvidence {
    const words = weighedQuestionWords(question);
    return {
      words,
      matches: words.map(({ word }) => this.termSets.map((_, passage) => this.wordMatch(word, passage))),
    };
  }

  /**
   * BM25 over the question's terms, and over the terms of the words the dictionary linked to
   * those the article lacks, each weighed by its link.
   */
  search(query: string, limit: number, linked: readonly LinkedWord[] = []): LexicalHit[] {
    const { k1, b } = this.data;
    const scores = new Map<number, number>();
    const weights = new Map<string, number>();
    for (const term of lexicalTerms(query)) weights.set(term, 1);
    for (const { links, rankWeight } of linked) {
      for (const link of links) {
        const weight = link.weight * rankWeight;
        for (const term of lexicalTerms(link.word)) weights.set(term, Math.max(weights.get(term) ?? 0, weight));
      }
    }
    for (const [term, weight] of weights) {
      const postings = this.postings.get(term);
      if (!postings) continue;
      const idf = this.idfOf(postings.length) * weight;
      for (const { passage, frequency } of postings) {
        const norm = frequency + k1 * (1 - b + (b * (this.lengths[passage] ?? 0)) / this.averageLength);
        scores.set(passage, (scores.get(passage) ?? 0) + (idf * frequency * (k1 + 1)) / norm);
      }
    }
    const coverage = scores.size > 0 ? this.coverage(query, linked) : [];
    return [...scores]
      .map(([passage, score]) => ({ passage, score, coverage: coverage[passage] ?? 0 }))
      .sort((left, right) => right.score - left.score || left.passage - right.passage)
      .slice(0, limit);
  }
}
