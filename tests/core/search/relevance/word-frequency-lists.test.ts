import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RARE_RANK, WORD_RANKS_FILE } from '../../../../src/core/search/relevance/specificity.js';
import { rankWords, renderRankedWords } from '../../../../src/core/search/relevance/word-frequency-lists.js';

describe('given the word ranks shipped in word-ranks.json', () => {
  it('then they are exactly what jieba’s dictionary and SUBTLEX-US give (else: npm run word-ranks)', () => {
    const shipped = readFileSync(WORD_RANKS_FILE, 'utf8');
    const computed = rankWords();
    expect(computed.chinese).toHaveLength(RARE_RANK);
    expect(computed.english).toHaveLength(RARE_RANK);
    expect(shipped).toBe(renderRankedWords(computed));
  });
});
