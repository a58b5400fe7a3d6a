import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { normalizeText } from './normalize.js';

let segmenter: Jieba | undefined;
function jieba(): Jieba {
  // Loading the dictionary takes ~0.2 s, so only the first tokenisation pays it.
  segmenter ??= Jieba.withDict(dict);
  return segmenter;
}

/** Words that say nothing about which paragraph answers: question words, particles, "the article". */
const STOP_WORDS = new Set(
  (
    '的 了 是 在 和 与 及 或 吗 吗? 呢 吧 啊 呀 么 嘛 也 都 就 还 又 很 被 把 让 给 对 从 向 以 于 而 之 其 这 那 这个 那个 这些 那些 这样 那样 ' +
    '什么 多少 为什么 为何 怎么 怎样 怎么样 如何 哪些 哪个 哪里 哪 谁 几 是否 有没有 是不是 能否 可否 请问 请 告诉 我 你 他 她 它 我们 你们 他们 ' +
    '文章 作者 本文 文中 提到 说 讲 认为 觉得 一下 有 没有 会 能 要 吗 哪儿 ' +
    'a an the of in on at to for by with from is are was were be been what which who whom why how when where does do did ' +
    'this that these those it its article author say says said about and or not can could would should will there their they'
  ).split(/\s+/),
);

const CJK = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}]/u;

/** CJK character bigrams, which catch words the segmenter splits differently in question and passage. */
function bigrams(text: string): string[] {
  const result: string[] = [];
  for (const run of text.match(/\p{Script=Han}+/gu) ?? []) {
    const characters = [...run];
    for (let index = 0; index + 1 < characters.length; index++) result.push(characters[index]! + characters[index + 1]!);
  }
  return result;
}

/**
 * The terms a text is indexed and searched by: segmented words (search mode,
 * so 英伟达市值 yields both words and their parts) plus character bigrams,
 * after normalisation (simplified script, NFKC, lower case).
 */
export function lexicalTerms(text: string): string[] {
  const normalized = normalizeText(text);
  const words = jieba()
    .cutForSearch(normalized, true)
    .map((word) => word.trim())
    .filter((word) => WORD.test(word) && !STOP_WORDS.has(word))
    // A lone Han character is mostly noise once bigrams are there; keep letters and numbers.
    .filter((word) => !(CJK.test(word) && [...word].length === 1));
  return [...words, ...bigrams(normalized).filter((bigram) => !STOP_WORDS.has(bigram))];
}

export interface LexicalHit {
  passage: number;
  score: number;
}

export interface SerializedLexicalIndex {
  version: 1;
  k1: number;
  b: number;
  documents: string[][];
}

/** Okapi BM25 over the passages' terms. */
export class LexicalIndex {
  private readonly postings = new Map<string, { passage: number; frequency: number }[]>();
  private readonly lengths: number[];
  private readonly averageLength: number;

  private constructor(private readonly data: SerializedLexicalIndex) {
    this.lengths = data.documents.map((terms) => terms.length);
    this.averageLength = this.lengths.reduce((sum, length) => sum + length, 0) / Math.max(1, this.lengths.length);
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
    return new LexicalIndex({ version: 1, k1: options.k1 ?? 1.2, b: options.b ?? 0.75, documents: texts.map(lexicalTerms) });
  }

  static fromJSON(data: SerializedLexicalIndex): LexicalIndex {
    if (data?.version !== 1 || !Array.isArray(data.documents)) throw new Error('unsupported lexical index format');
    return new LexicalIndex(data);
  }

  toJSON(): SerializedLexicalIndex {
    return this.data;
  }

  get size(): number {
    return this.lengths.length;
  }

  /** Inverse document frequency (BM25+ style, never negative). */
  private idf(term: string): number {
    const documentFrequency = this.postings.get(term)?.length ?? 0;
    return Math.log(1 + (this.size - documentFrequency + 0.5) / (documentFrequency + 0.5));
  }

  search(query: string, limit: number): LexicalHit[] {
    const { k1, b } = this.data;
    const scores = new Map<number, number>();
    for (const term of new Set(lexicalTerms(query))) {
      const postings = this.postings.get(term);
      if (!postings) continue;
      const idf = this.idf(term);
      for (const { passage, frequency } of postings) {
        const norm = frequency + k1 * (1 - b + (b * (this.lengths[passage] ?? 0)) / this.averageLength);
        scores.set(passage, (scores.get(passage) ?? 0) + (idf * frequency * (k1 + 1)) / norm);
      }
    }
    return [...scores]
      .map(([passage, score]) => ({ passage, score }))
      .sort((left, right) => right.score - left.score || left.passage - right.passage)
      .slice(0, limit);
  }
}
