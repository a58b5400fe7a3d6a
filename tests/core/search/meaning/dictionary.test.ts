import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glossesOf, isDictionaryCurrent } from '../../../../src/core/search/meaning/build-dictionary.mjs';
import {
  BROAD_GLOSS,
  CedictDictionary,
  DICTIONARY_FILE,
  glossWeight,
} from '../../../../src/core/search/meaning/dictionary.js';
import { removeTempDirs, tempDir } from '../../../support/fixtures.js';

describe('given CC-CEDICT definitions', () => {
  it('then each sense becomes short English glosses: no "to", notes, classifiers, cross-references or descriptions', () => {
    expect(glossesOf('to raise; to increase')).toEqual(['raise', 'increase']);
    expect(glossesOf(['requirement', 'to require', '(economics) demand'])).toEqual([
      'requirement',
      'require',
      'demand',
    ]);
    expect(glossesOf('NVIDIA, computer graphics card company')).toEqual(['nvidia']);
    expect(glossesOf(['variant of 問題|问题[wen4 ti2]', 'CL:個|个[ge4]', 'Taiwan pr. [wen2]'])).toEqual([]);
    expect(glossesOf('a long description of something that is not one meaning')).toEqual([]);
  });

  it('then a gloss weighs 1 alone, less the more words share it, and nothing from BROAD_GLOSS words on', () => {
    expect(glossWeight(1)).toBe(1);
    expect(glossWeight(10)).toBeGreaterThan(glossWeight(20));
    expect(glossWeight(BROAD_GLOSS)).toBe(0);
  });
});

describe('given the dictionary built from the installed cc-cedict package', () => {
  let dictionary: CedictDictionary;
  beforeAll(async () => {
    dictionary = await CedictDictionary.open();
  });
  afterAll(() => dictionary.close());

  it('then Chinese words that share a specific gloss are synonyms, weighed by how specific it is', () => {
    const synonyms = dictionary.synonyms('问题');
    expect(synonyms.map((link) => link.word)).toContain('疑问'); // both "question"
    for (const link of synonyms) expect(link.weight).toBeGreaterThan(0);
    expect(synonyms.every((link) => [...link.word].length >= 2)).toBe(true); // a lone character links too much
    expect(dictionary.synonyms('比重').find((link) => link.word === '占比')?.weight).toBeGreaterThan(0.5);
  });

  it('then English words and phrases translate to the Chinese words they gloss, in any inflection', () => {
    expect(dictionary.translations('nvidia').map((link) => link.word)).toEqual(['英伟达']);
    expect(dictionary.translations('market value').map((link) => link.word)).toContain('市值');
    expect(dictionary.translations('announced').map((link) => link.word)).toContain('宣布');
    expect(dictionary.translations('paradoxes').map((link) => link.word)).toContain('悖论');
  });

  it('then it knows dictionary words, not slips of segmentation', () => {
    expect(dictionary.knows('创始人')).toBe(true);
    expect(dictionary.knows('founders')).toBe(true);
    expect(dictionary.knows('钱建')).toBe(false);
  });
});

describe('given no dictionary file yet, or one built from another source', () => {
  afterAll(removeTempDirs);

  it('then opening builds it once, whole, and a current file is used as it is', async () => {
    const file = path.join(await tempDir('dictionary-'), 'cc-cedict.sqlite');
    expect(isDictionaryCurrent(file)).toBe(false);
    const dictionary = await CedictDictionary.open(file);
    dictionary.close();
    expect(isDictionaryCurrent(file)).toBe(true);
    const built = (await stat(file)).mtimeMs;
    (await CedictDictionary.open(file)).close();
    expect((await stat(file)).mtimeMs).toBe(built);
  }, 60_000);

  it('then a file that is not the dictionary is not taken for it', async () => {
    const file = path.join(await tempDir('dictionary-'), 'cc-cedict.sqlite');
    await copyFile(path.join(import.meta.dirname, 'dictionary.test.ts'), file);
    expect(isDictionaryCurrent(file)).toBe(false);
    expect(isDictionaryCurrent(DICTIONARY_FILE)).toBe(true);
  });
});
