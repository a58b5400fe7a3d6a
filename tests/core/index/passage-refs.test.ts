import { describe, expect, it } from 'vitest';
import type { Passage } from '../../../src/core/corpus/corpus.js';
import type { Manifest } from '../../../src/core/index/index-store.js';
import { passageRef, resolvePassageRef } from '../../../src/core/index/passage-refs.js';

const passage = (document: string, paragraph: number, text: string): Passage => ({
  id: `${document}#${paragraph}`,
  document,
  title: document,
  paragraph,
  section: null,
  text,
});
const manifestOf = (passages: Passage[]) => ({ passages }) as unknown as Manifest;

describe('given a passage reference', () => {
  const jevons = passage('b.txt', 2, '杰文斯发现煤炭消耗量不减反增。');

  it('then it is six base-36 characters, the same for the same passage', () => {
    expect(passageRef(jevons)).toMatch(/^[0-9a-z]{6}$/);
    expect(passageRef({ ...jevons })).toBe(passageRef(jevons));
  });

  it('then it finds the passage in a later index where other documents moved it', () => {
    const later = manifestOf([passage('a.txt', 1, 'A new document first.'), passage('b.txt', 1, '…'), jevons]);
    expect(resolvePassageRef(later, passageRef(jevons))).toBe(2);
  });

  it('then a changed or removed passage resolves to nothing', () => {
    const changed = manifestOf([passage('b.txt', 2, '杰文思发现煤炭消耗量不减反增。')]);
    expect(resolvePassageRef(changed, passageRef(jevons))).toBeUndefined();
    expect(resolvePassageRef(manifestOf([]), passageRef(jevons))).toBeUndefined();
  });
});
