import { describe, expect, it } from 'vitest';
import { excerpt } from '../../src/bot/excerpt.js';
import { highlightOf, LONE_SURROGATE } from '../support/answer-fixtures.js';

describe('given a passage longer than its share of the message', () => {
  const filler = '这一段讲的是别的事情,和问题没有什么关系。';
  const key = '杰文斯发现效率提高时煤炭消耗量不减反增。';
  const text = `${filler.repeat(120)}${key}${filler.repeat(120)}`;

  it('then the excerpt is cut around the highlighted sentence, an ellipsis at each cut, within the limit', () => {
    const quoted = excerpt(text, [highlightOf(text, key)], 500);
    expect(quoted.length).toBeLessThanOrEqual(500);
    expect(quoted.length).toBeGreaterThan(450);
    expect(quoted.startsWith('…')).toBe(true);
    expect(quoted.endsWith('…')).toBe(true);
    expect(quoted).toContain(`**${key}**`);
  });

  it('then a highlight longer than the limit is cut itself, still bold and within the limit', () => {
    const long = `${key.repeat(50)}`;
    const quoted = excerpt(long, [{ start: 0, end: long.length }], 300);
    expect(quoted.length).toBeLessThanOrEqual(300);
    expect(quoted.startsWith('**')).toBe(true);
    expect(quoted).toMatch(/\*\*…$/);
  });

  it('then two distant highlights are both shown, joined by an ellipsis', () => {
    const second = '第二个要点在这里。';
    const twoPoints = `${key}${filler.repeat(200)}${second}${filler.repeat(50)}`;
    const quoted = excerpt(twoPoints, [highlightOf(twoPoints, key), highlightOf(twoPoints, second)], 400);
    expect(quoted.length).toBeLessThanOrEqual(400);
    expect(quoted).toContain(`**${key}**`);
    expect(quoted).toContain(`**${second}**`);
    expect(quoted.indexOf(' … ')).toBeGreaterThan(quoted.indexOf(key));
    expect(quoted.indexOf(' … ')).toBeLessThan(quoted.indexOf(second));
  });

  it('then without highlights the beginning is shown', () => {
    const quoted = excerpt(text, [], 200);
    expect(quoted.startsWith(filler)).toBe(true);
    expect(quoted.endsWith('…')).toBe(true);
    expect(quoted.length).toBeLessThanOrEqual(200);
  });

  it('then English is not cut in the middle of a word', () => {
    const english = `${'The market worried about spending on chips. '.repeat(40)}Jevons found that coal use rose as engines improved. ${'Investors sold quickly. '.repeat(40)}`;
    const quoted = excerpt(
      english,
      [highlightOf(english, 'Jevons found that coal use rose as engines improved.')],
      300,
    );
    expect(quoted).toMatch(/^…\S/);
    const words = new Set(english.split(/\s+/));
    const shown = quoted.replace(/\*\*/g, '').replace(/…/g, ' ').split(/\s+/).filter(Boolean);
    for (const word of [shown[0]!, shown.at(-1)!]) expect(words.has(word)).toBe(true);
  });

  it('then an emoji at a cut is never split in half', () => {
    const emoji = '😀'.repeat(1000);
    for (const limit of [1, 2, 3, 50, 51, 333]) {
      const quoted = excerpt(emoji, [{ start: 501, end: 600 }], limit);
      expect(quoted.length).toBeLessThanOrEqual(limit);
      expect(quoted).not.toMatch(LONE_SURROGATE);
    }
  });
});
