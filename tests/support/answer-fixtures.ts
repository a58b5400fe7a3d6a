import type { Passage } from '../../src/core/corpus/corpus.js';
import type { Answer, AnswerPassage } from '../../src/core/knowledge-base.js';
import type { Highlight } from '../../src/core/search/retrieval.js';

/** Answers and passages of any shape, for the reply formatters' tests. */

export const SECTIONS = ['暴风雨的前夜', '散户投资人和一线从业者的三大差距', '下一步最关键的疑问是什么?'];
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function passage(text: string, overrides: Partial<Passage> = {}): Passage {
  return {
    id: 'article.txt#1',
    document: 'article.txt',
    title: 'The article',
    paragraph: 1,
    section: SECTIONS[0]!,
    text,
    ...overrides,
  };
}

export function result(
  text: string,
  highlights: Highlight[] = [],
  overrides: Omit<Partial<AnswerPassage>, 'passage'> & { passage?: Partial<Passage> } = {},
): AnswerPassage {
  const { passage: passageOverrides, ...rest } = overrides;
  return {
    rank: 1,
    score: 0.91,
    coverage: 0,
    passage: passage(text, passageOverrides),
    highlights,
    evidence: { dense: 1.2, lexical: 0, gap: 0, score: 1.2, relevant: true },
    ...rest,
  };
}

export function answer(
  results: AnswerPassage[],
  question = '什么是杰文斯悖论?',
  partial?: { missing: string[]; covered: string[] },
): Answer {
  const answered = results.length > 0;
  return {
    question,
    outcome: !answered ? 'declined' : partial ? 'partial' : 'answered',
    answered: answered && !partial,
    missing: partial?.missing ?? [],
    covered: partial?.covered ?? [],
    results: results.map((entry, index) => ({ ...entry, rank: index + 1 })),
    bar: { bar: 0.82, spread: 0.03, source: 'calibrated', probes: 72 },
    best: answered
      ? { dense: 1.2, lexical: 0, gap: 0, score: 1.2, relevant: true }
      : { dense: 0.3, lexical: 0, gap: 1, score: -0.2, relevant: false },
    next: [],
  };
}

export function highlightOf(text: string, sentence: string): Highlight {
  const start = text.indexOf(sentence);
  if (start < 0) throw new Error(`"${sentence}" is not in the text`);
  return { start, end: start + sentence.length };
}

/** A deterministic pseudo-random generator (mulberry32), so that a failing case can be replayed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export const PIECES = [
  '杰文斯悖论',
  '英伟达',
  '。',
  ',',
  ' ',
  '\n',
  '**',
  '*',
  '_',
  '__',
  '~~',
  '||',
  '`',
  '```',
  '> ',
  '# ',
  '-# ',
  '- ',
  '1. ',
  '[x](https://e.com)',
  '@everyone',
  '<@&123456789012345678>',
  '<@123456789012345678>',
  '\\',
  '😀',
  '👨‍👩‍👧',
  'word',
  'Broadcom',
  'é',
];

export function randomText(next: () => number, length: number): string {
  let text = '';
  while (text.length < length) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}
