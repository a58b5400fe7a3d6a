import { describe, expect, it } from 'vitest';
import type { Passage } from '../../../../src/core/corpus/corpus.js';
import { judgePassages } from '../../../../src/core/search/relevance/judge.js';
import type { RankedPassage } from '../../../../src/core/search/retrieval.js';

describe('given a corpus of a million passages', () => {
  it('then the passages are judged without overflowing the stack, a word found in the last passage counting as found', () => {
    const passages = 1_000_000;
    const matches = new Array<number>(passages).fill(0);
    matches[passages - 1] = 1;
    const passage: Passage = { id: 'doc#1', document: 'doc', title: 'doc', paragraph: 1, section: null, text: '博通' };
    const ranked: RankedPassage[] = [
      {
        passageIndex: passages - 1,
        passage,
        denseScore: null,
        denseRank: null,
        lexicalScore: 1,
        lexicalRank: 1,
        lexicalCoverage: 1,
        fusedScore: 1,
      },
    ];
    const {
      evidence: [evidence],
    } = judgePassages(
      ranked,
      {
        words: [{ word: '博通', specificity: 1, content: true, noun: true, parts: [] }],
        matches: [matches],
        links: [[]],
        known: [true],
        inArticle: [1],
      },
      { bar: 0.5, spread: 0.1 },
      new Set(['han']),
    );
    expect(evidence!.gap).toBe(0);
    expect(evidence!.lexical).toBeGreaterThan(0);
  });
});
