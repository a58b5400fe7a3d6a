import { describe, expect, it } from 'vitest';
import { splitSentences, windowsOf } from '../../../src/core/corpus/windows.js';

/** One token per character plus two special tokens, like a character-level tokenizer. */
const countCharacters = async (texts: readonly string[]) => texts.map((text) => [...text].length + 2);

describe('given a text that fits the window', () => {
  it('then it is one window, unchanged', async () => {
    expect(await windowsOf('短句。', 10, countCharacters)).toEqual(['短句。']);
  });
});

describe('given a paragraph longer than the window', () => {
  const sentences = Array.from({ length: 12 }, (_, index) => `第${index}句话说了一些事情。`);
  const text = sentences.join('');

  it('then every window fits and together they cover every sentence, overlapping by one', async () => {
    const windows = await windowsOf(text, 40, countCharacters);
    expect(windows.length).toBeGreaterThan(1);
    for (const window of windows) expect([...window].length + 2).toBeLessThanOrEqual(40);
    for (const sentence of sentences) expect(windows.some((window) => window.includes(sentence))).toBe(true);
    for (let index = 1; index < windows.length; index++) {
      const previousLast = splitSentences(windows[index - 1]!).at(-1)!;
      expect(windows[index]!.startsWith(previousLast)).toBe(true);
    }
  });

  it('then a single sentence longer than the window is cut by characters, losing nothing', async () => {
    const long = '长'.repeat(95);
    const windows = await windowsOf(long, 20, countCharacters);
    expect(windows.join('')).toBe(long);
    for (const window of windows) expect([...window].length + 2).toBeLessThanOrEqual(20);
  });
});

describe('given Chinese and English sentences', () => {
  it('then splitting keeps every character', () => {
    const text = '第一句。第二句!Third one? Fourth; 第五句';
    expect(splitSentences(text).join('')).toBe(text);
    expect(splitSentences(text)).toHaveLength(5);
  });
});
