import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/core/corpus/corpus.js';
import type { Manifest } from '../../src/core/index/index-store.js';
import { articleTopics, matchTyped, openingOf } from '../../src/core/suggestions.js';
import { PROJECT_ROOT } from '../support/fixtures.js';

let manifest: Manifest;

beforeAll(async () => {
  const corpus = await loadCorpus(path.join(PROJECT_ROOT, 'corpus'));
  manifest = { passages: corpus.passages } as unknown as Manifest;
});

describe('given the article', () => {
  it('then its topics are the names it keeps coming back to, as it writes them, whole rather than in pieces', () => {
    const topics = articleTopics(manifest, 5);
    expect(topics).toHaveLength(5);
    expect(topics).toContain('英伟达');
    expect(topics).toContain('DeepSeek');
    expect(topics).not.toContain('伟达');
  });

  it('then typed text finds sections first, then the paragraphs containing it, in the article’s order', () => {
    const matches = matchTyped(manifest, '暴风雨', 5);
    expect(matches[0]).toEqual({ kind: 'section', text: '暴风雨的前夜', passage: 1 });
    const jevons = matchTyped(manifest, '杰文斯', 10);
    expect(jevons.every((match) => match.kind === 'paragraph')).toBe(true);
    expect(jevons.map((match) => manifest.passages[match.passage]!.paragraph)).toEqual([9, 21, 22, 24]);
  });

  it('then every space-separated part must match, compared in simplified script and lower case', () => {
    expect(
      matchTyped(manifest, '傑文斯 蒸汽機', 10).map((match) => manifest.passages[match.passage]!.paragraph),
    ).toEqual([9]);
    expect(matchTyped(manifest, 'DEEPSEEK', 30).length).toBeGreaterThan(3);
    expect(matchTyped(manifest, '   ', 10)).toEqual([]);
  });

  it('then a paragraph’s opening is its first sentence', () => {
    expect(openingOf('近期,博通股票的上升幅度逾越英伟达。这标明市场认可了杰文斯效应。')).toBe(
      '近期,博通股票的上升幅度逾越英伟达。',
    );
  });
});
