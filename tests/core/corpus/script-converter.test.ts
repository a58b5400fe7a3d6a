import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as OpenCC from 'opencc-js';
import { describe, expect, it } from 'vitest';
import { scriptConverter, toTaiwan, traditionalCharacters } from '../../../src/core/corpus/script-converter.js';
import { ConverterFactory } from 'opencc-js/core';
import STCharacters from 'opencc-js/dict/STCharacters';
import TWVariants from 'opencc-js/dict/TWVariants';
import HKVariantsRevPhrases from 'opencc-js/dict/HKVariantsRevPhrases';
import TSPhrases from 'opencc-js/dict/TSPhrases';
import TWPhrasesRev from 'opencc-js/dict/TWPhrasesRev';
import TWVariantsRevPhrases from 'opencc-js/dict/TWVariantsRevPhrases';
import { simplified } from '../../../src/bot/messages/simplified.js';

type Converter = (text: string) => string;
const reference = (from: string, to: string) => OpenCC.Converter({ from, to }) as Converter;

const article = readFileSync(path.resolve('corpus/wang-weijia-deepseek-wall-street.txt'), 'utf8');
const questions = (
  JSON.parse(readFileSync(path.resolve('src/core/evaluation/questions.json'), 'utf8')) as Array<{ question: string }>
).map((entry) => entry.question);

/** Text made of the dictionaries' own entries, run together in a seeded random order, with
 * neighbours that overlap entries, compatibility ideographs, ideographic description sequences and
 * characters outside the BMP: where a longest-match converter and a trie could part ways. */
function entryMix(seed: number, count: number): string {
  const entries = [TSPhrases, TWPhrasesRev, TWVariantsRevPhrases, HKVariantsRevPhrases]
    .flatMap((dictionary) => dictionary.split('|'))
    .flatMap((entry) => entry.split(' '));
  const extras = ['⿰木木', '⿱艹化', '𠀋', '豈', '輝達', '晶片', 'GPU，', '。\n', ' '];
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
  const pieces: string[] = [];
  for (let i = 0; i < count; i++) {
    const pick = next() % 10 === 0 ? extras[next() % extras.length] : entries[next() % entries.length];
    const piece = pick ?? '';
    // Half an entry now and then, so that matches start inside other entries.
    pieces.push(next() % 4 === 0 ? piece.slice(piece.length >> 1) : piece);
  }
  return pieces.join('');
}

describe('script conversion', () => {
  const s2tw = reference('cn', 'tw');
  const samples = [
    article,
    s2tw(article),
    reference('cn', 'hk')(article),
    ...questions,
    ...Object.values(simplified).map((text) => s2tw(text)),
    entryMix(1, 4000),
    entryMix(2, 4000),
    entryMix(3, 4000),
  ];

  for (const [from, to] of [
    ['tw', 'cn'],
    ['twp', 'cn'],
    ['hk', 'cn'],
  ] as const) {
    it(`given traditional text, then ${from}→${to} converts it exactly as opencc-js does`, () => {
      const ours = scriptConverter(from, to);
      const theirs = reference(from, to);
      for (const sample of samples) expect(ours(sample)).toBe(theirs(sample));
    });
  }

  it('given simplified text, then simplified→Taiwan converts it, phrases and all, exactly as opencc-js does', async () => {
    const simplifiedSamples = [article, ...questions, ...Object.values(simplified), entryMix(4, 4000)];
    expect(await toTaiwan(simplifiedSamples)).toEqual(simplifiedSamples.map(s2tw));
    expect(await toTaiwan(['软件和芯片'])).toEqual(['軟件和芯片']);
  });

  it('given simplified text, then the character-level converter changes what opencc-js character tables change', () => {
    const ours = traditionalCharacters();
    const theirs = ConverterFactory([STCharacters], [TWVariants]);
    for (const sample of [article, ...questions, entryMix(5, 2000)]) expect(ours(sample)).toBe(theirs(sample));
  });

  it('given Taiwanese vocabulary, then the phrase converter writes the mainland word', () => {
    expect(scriptConverter('twp', 'cn')('輝達的晶片')).toBe('英伟达的芯片');
    expect(scriptConverter('tw', 'cn')('輝達的晶片')).toBe('辉达的晶片');
  });

  it('given a direction it does not convert, then asking for it fails with a clear message', () => {
    expect(() => scriptConverter('cn', 'jp')).toThrow('no script conversion from cn to jp');
  });

  it('given the same direction twice, then the converter is shared', () => {
    expect(scriptConverter('tw', 'cn')).toBe(scriptConverter('tw', 'cn'));
  });
});
